// dagrun-shim RUNNER_PID PROGRAM [ARGUMENTS...]
//
// Runs PROGRAM for dagrun and makes sure nothing it starts outlives it or the runner:
// - it is a child subreaper, so descendants that detach (setsid, double fork) are re-parented
//   to it instead of to PID 1;
// - it checks every 100 ms that its parent is still RUNNER_PID (a `kill -9` of dagrun changes
//   the parent) and then kills every descendant;
// - when PROGRAM ends, descendants it left behind are killed too, and the shim ends the same way
//   PROGRAM did (its exit code, or the same signal), so dagrun sees PROGRAM's status.
// Signals meant for the process group (dagrun's stop) reach PROGRAM directly; the shim itself
// only outlives them long enough to clean up.
// Written in C: it must start in microseconds and must fork, which a Swift process may not.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static void ignore(int signal) { (void)signal; }

/// The parent of `pid` from /proc/PID/stat, or -1.
static pid_t parent_of(pid_t pid) {
    char path[64], text[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *file = fopen(path, "r");
    if (!file) return -1;
    size_t count = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[count] = 0;
    char *end = strrchr(text, ')');  // the command name may hold spaces and parentheses
    int parent = -1;
    if (!end || sscanf(end + 1, " %*c %d", &parent) != 1) return -1;
    return (pid_t)parent;
}

/// Whether `pid` descends from this process.
static int is_descendant(pid_t pid, pid_t self) {
    for (int depth = 0; depth < 64 && pid > 1; depth++) {
        pid_t parent = parent_of(pid);
        if (parent == self) return 1;
        pid = parent;
    }
    return 0;
}

/// SIGKILL to every descendant, then reap them; repeated until none is left.
static void kill_descendants(void) {
    pid_t self = getpid();
    for (int round = 0; round < 50; round++) {
        int found = 0;
        DIR *proc = opendir("/proc");
        if (!proc) return;
        struct dirent *entry;
        while ((entry = readdir(proc))) {
            char *end;
            long pid = strtol(entry->d_name, &end, 10);
            if (*end || pid <= 1 || pid == self) continue;
            if (is_descendant((pid_t)pid, self)) {
                kill((pid_t)pid, SIGKILL);
                found = 1;
            }
        }
        closedir(proc);
        while (waitpid(-1, NULL, WNOHANG) > 0) {}
        if (!found) return;
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: dagrun-shim RUNNER_PID PROGRAM [ARGUMENTS...]\n");
        return 125;
    }
    pid_t runner = (pid_t)strtol(argv[1], NULL, 10);
    if (getppid() != runner) return 125;  // the runner is already gone
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    // A handler, not SIG_IGN: the program gets back the default disposition at exec.
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = ignore;
    for (size_t index = 0; index < sizeof forwarded / sizeof forwarded[0]; index++) sigaction(forwarded[index], &action, NULL);

    pid_t child = fork();
    if (child < 0) {
        perror("dagrun-shim: fork");
        return 126;
    }
    if (child == 0) {
        execv(argv[2], argv + 2);
        perror("dagrun-shim: exec");
        _exit(127);
    }
    int status = 0;
    for (;;) {
        pid_t ended = waitpid(-1, &status, WNOHANG);
        if (ended == child) break;
        if (ended > 0) continue;  // a re-parented descendant: reaped
        if (getppid() != runner) {  // the runner died: nothing may outlive it
            kill_descendants();
            return 137;
        }
        struct timespec pause = {0, 100 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    kill_descendants();
    if (WIFSIGNALED(status)) {
        int signal = WTERMSIG(status);
        struct sigaction fallback;
        memset(&fallback, 0, sizeof fallback);
        fallback.sa_handler = SIG_DFL;
        sigaction(signal, &fallback, NULL);
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, signal);
        sigprocmask(SIG_UNBLOCK, &only, NULL);
        raise(signal);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
