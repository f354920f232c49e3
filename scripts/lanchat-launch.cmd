@echo off
rem Called by chat-server.cmd and chat-client.cmd, the Windows twins of scripts/chat-server and
rem scripts/chat-client: finds a JDK 21 or newer (JAVA_HOME, java on the PATH, then the usual
rem install folders, like find-jdk.sh), builds the jars with Maven when the one asked for is
rem missing, and runs it with the caller's arguments. The caller sets LANCHAT_MODULE.
rem Delayed expansion stays off so that a "!" in an argument reaches the program unchanged.
setlocal
set "LANCHAT_ROOT=%~dp0.."
set "LANCHAT_JAR=%LANCHAT_ROOT%\%LANCHAT_MODULE%\target\%LANCHAT_MODULE%.jar"
set "LANCHAT_JAVA="

if defined JAVA_HOME call :try "%JAVA_HOME%"
if not defined LANCHAT_JAVA for /f "delims=" %%j in ('where java 2^>nul') do (
  if not defined LANCHAT_JAVA for %%h in ("%%~dpj..") do call :try "%%~fh"
)
if not defined LANCHAT_JAVA for /d %%d in ("%ProgramFiles%\Eclipse Adoptium\jdk-*" "%ProgramFiles%\Java\jdk-*" "%ProgramFiles%\Microsoft\jdk-*" "%ProgramFiles%\Zulu\zulu-*" "%ProgramFiles%\Amazon Corretto\jdk*" "%ProgramFiles%\BellSoft\LibericaJDK-*") do (
  if not defined LANCHAT_JAVA call :try "%%~fd"
)
if not defined LANCHAT_JAVA (
  echo LanChat needs a JDK 21 or newer, and none was found ^(looked at JAVA_HOME, java on the PATH and %ProgramFiles%^). 1>&2
  echo Install one ^(for example Temurin 21 or 25^) and set JAVA_HOME to it. 1>&2
  exit /b 1
)
set "JAVA_HOME=%LANCHAT_JAVA%"

if exist "%LANCHAT_JAR%" goto run
where mvn >nul 2>nul
if errorlevel 1 (
  echo %LANCHAT_MODULE%: %LANCHAT_JAR% is not built yet and Maven ^(mvn^) is not on the PATH; install Maven 3.8+ or build the jar elsewhere. 1>&2
  exit /b 1
)
echo %LANCHAT_MODULE%: building the LanChat jars ^(first run; takes a minute^)... 1>&2
pushd "%LANCHAT_ROOT%"
rem Maven's own output goes to a log, shown (its [ERROR] lines) only when the build fails
set "LANCHAT_LOG=%TEMP%\lanchat-build-%RANDOM%.log"
call mvn -q -B -DskipTests package > "%LANCHAT_LOG%" 2>&1
set "LANCHAT_BUILD=%ERRORLEVEL%"
popd
if not "%LANCHAT_BUILD%"=="0" (
  findstr /B /C:"[ERROR]" "%LANCHAT_LOG%" 1>&2
  echo %LANCHAT_MODULE%: the build failed; nothing to run ^(Maven's full output: %LANCHAT_LOG%^) 1>&2
  exit /b 1
)
del "%LANCHAT_LOG%" 2>nul
if not exist "%LANCHAT_JAR%" (
  echo %LANCHAT_MODULE%: the build finished but %LANCHAT_JAR% is missing. 1>&2
  exit /b 1
)

:run
"%LANCHAT_JAVA%\bin\java.exe" -jar "%LANCHAT_JAR%" %*
exit /b %ERRORLEVEL%

rem :try FOLDER sets LANCHAT_JAVA to FOLDER when it holds a JDK (java and javac) of version 21+
:try
if not exist "%~1\bin\java.exe" exit /b 0
if not exist "%~1\bin\javac.exe" exit /b 0
set "LANCHAT_MAJOR="
for /f "tokens=2 delims==" %%v in ('""%~1\bin\java.exe" -XshowSettings:properties -version 2^>^&1 ^| findstr java.specification.version"') do set "LANCHAT_MAJOR=%%v"
if not defined LANCHAT_MAJOR exit /b 0
set "LANCHAT_MAJOR=%LANCHAT_MAJOR: =%"
for /f "delims=." %%m in ("%LANCHAT_MAJOR%") do set "LANCHAT_MAJOR=%%m"
if %LANCHAT_MAJOR% GEQ 21 set "LANCHAT_JAVA=%~1"
exit /b 0
