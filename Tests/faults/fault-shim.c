/*
 * Fault injection for the real trobador binary, loaded with LD_PRELOAD.
 *
 * Makes fsync, fdatasync and rename (rename and renameat2, which the archive's moves
 * use) fail with EIO on paths containing TROBADOR_FAULT_PATH, for the operations listed
 * in TROBADOR_FAULT_OPS (comma-separated: fsync,fdatasync,rename; default all), and
 * only while the file TROBADOR_FAULT_SWITCH exists (when set), so a test can end the
 * fault without restarting the daemon. Each injected failure is appended to TROBADOR_FAULT_LOG
 * (when set), so a test can prove the fault really happened.
 *
 * Build: cc -shared -fPIC -O2 -o fault-shim.so fault-shim.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int operation_enabled(const char *operation) {
    const char *list = getenv("TROBADOR_FAULT_OPS");
    if (list == NULL || *list == '\0') return 1;
    size_t length = strlen(operation);
    for (const char *at = list; (at = strstr(at, operation)) != NULL; at += length) {
        int starts = at == list || at[-1] == ',';
        int ends = at[length] == '\0' || at[length] == ',';
        if (starts && ends) return 1;
    }
    return 0;
}

static int fault_active(void) {
    const char *switch_path = getenv("TROBADOR_FAULT_SWITCH");
    return switch_path == NULL || access(switch_path, F_OK) == 0;
}

static int path_matches(const char *path) {
    const char *pattern = getenv("TROBADOR_FAULT_PATH");
    return pattern != NULL && *pattern != '\0' && path != NULL && strstr(path, pattern) != NULL;
}

static void note(const char *operation, const char *path) {
    const char *log = getenv("TROBADOR_FAULT_LOG");
    if (log == NULL) return;
    int saved = errno;
    int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        char line[4200];
        int length = snprintf(line, sizeof line, "%s %s\n", operation, path);
        if (length > 0) (void)!write(fd, line, (size_t)length < sizeof line ? (size_t)length : sizeof line - 1);
        close(fd);
    }
    errno = saved;
}

/* Whether a sync of descriptor fd must fail: what it names in /proc matches. */
static int fails_for_descriptor(const char *operation, int fd) {
    if (!operation_enabled(operation) || !fault_active()) return 0;
    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t length = readlink(link, target, sizeof target - 1);
    if (length < 0) return 0;
    target[length] = '\0';
    if (!path_matches(target)) return 0;
    note(operation, target);
    return 1;
}

int fsync(int fd) {
    static int (*real)(int);
    if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    if (fails_for_descriptor("fsync", fd)) { errno = EIO; return -1; }
    return real(fd);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (real == NULL) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    if (fails_for_descriptor("fdatasync", fd)) { errno = EIO; return -1; }
    return real(fd);
}

int rename(const char *from, const char *to) {
    static int (*real)(const char *, const char *);
    if (real == NULL) real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    if (operation_enabled("rename") && fault_active() && (path_matches(from) || path_matches(to))) {
        note("rename", from);
        errno = EIO;
        return -1;
    }
    return real(from, to);
}

int renameat2(int fromdir, const char *from, int todir, const char *to, unsigned int flags) {
    static int (*real)(int, const char *, int, const char *, unsigned int);
    if (real == NULL) real = (int (*)(int, const char *, int, const char *, unsigned int))dlsym(RTLD_NEXT, "renameat2");
    if (operation_enabled("rename") && fault_active() && (path_matches(from) || path_matches(to))) {
        note("rename", from);
        errno = EIO;
        return -1;
    }
    return real(fromdir, from, todir, to, flags);
}
