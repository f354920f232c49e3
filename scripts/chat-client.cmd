@echo off
rem Joins a LanChat room on Windows: "scripts\chat-client --help" shows the options. Needs a
rem JDK 21+ (found by lanchat-launch.cmd) and, on first run, Maven to build the jars.
setlocal
set "LANCHAT_MODULE=chat-client"
call "%~dp0lanchat-launch.cmd" %*
exit /b %ERRORLEVEL%
