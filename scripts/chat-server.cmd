@echo off
rem Runs a LanChat server on Windows: "scripts\chat-server --help" shows the options. Needs a
rem JDK 21+ (found by lanchat-launch.cmd) and, on first run, Maven to build the jars.
setlocal
set "LANCHAT_MODULE=chat-server"
call "%~dp0lanchat-launch.cmd" %*
exit /b %ERRORLEVEL%
