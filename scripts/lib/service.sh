# shellcheck shell=bash
# Process handling shared by the scripts that run a local stand-in in the
# background (dynamodb-local.sh, moto.sh). Source it after setting:
#   PID_FILE, LOG_FILE, ENDPOINT, PORT, WAIT (seconds to wait for an answer)
#   PORT_VAR  the environment variable that picks the port (for messages)
# and defining say() (a message on stderr) and answers() (true once the
# service answers on ENDPOINT).

service_running_pid() {
    [ -f "$PID_FILE" ] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# True (printing the endpoint) when this script's service already runs;
# exits when something else holds the port; false when it is free.
service_already_running() {
    if service_running_pid >/dev/null; then
        answers && { echo "$ENDPOINT"; return 0; }
    elif answers; then
        say "port $PORT already answers but was not started by this script; pick another $PORT_VAR"
        exit 1
    fi
    return 1
}

# After the caller started the process and wrote PID_FILE: waits until it
# answers, then prints the endpoint; on failure shows the log and exits.
service_wait_until_ready() {
    local waited=0
    until answers; do
        if ! service_running_pid >/dev/null; then
            say "it exited while starting; log: $LOG_FILE"
            tail -n 20 "$LOG_FILE" >&2 || true
            rm -f "$PID_FILE"
            exit 1
        fi
        if [ "$waited" -ge $((WAIT * 4)) ]; then
            say "no answer on $ENDPOINT after ${WAIT}s; log: $LOG_FILE"
            service_stop
            exit 1
        fi
        sleep 0.25
        waited=$((waited + 1))
    done
    say "running on $ENDPOINT (pid $(cat "$PID_FILE"), log $LOG_FILE)"
    echo "$ENDPOINT"
}

# Stops the service (TERM, then KILL after 10 s) and forgets its pid.
service_stop() {
    local pid
    if pid="$(service_running_pid)"; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -9 "$pid" 2>/dev/null || true
        fi
        say "stopped (pid $pid)"
    fi
    rm -f "$PID_FILE"
}

service_status() {
    if service_running_pid >/dev/null && answers; then
        echo "$ENDPOINT"
    else
        say "not running on port $PORT"
        return 1
    fi
}
