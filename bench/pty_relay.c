// SPDX-License-Identifier: GPL-2.0-or-later
// The baseline for bench/run: runs a command on a new pty (forkpty) and
// copies everything from the master to stdout. Like any recorder it gives
// the new pty the terminal's modes and size and keeps the terminal raw
// meanwhile; nothing else: no input, no resize, no logging.
#include <errno.h>
#include <pty.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: pty_relay CMD [ARG...]\n");
		return 2;
	}
	struct termios saved, raw;
	struct winsize size;
	int have_tty = tcgetattr(STDIN_FILENO, &saved) == 0 &&
		       ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0;
	int master;
	pid_t pid = forkpty(&master, NULL, have_tty ? &saved : NULL, have_tty ? &size : NULL);
	if (pid < 0) {
		perror("forkpty");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (have_tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	static char buf[65536];
	int failed = 0;
	for (;;) {
		ssize_t n = read(master, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) // EIO: the command and its children are gone
			break;
		for (ssize_t off = 0; off < n && !failed;) {
			ssize_t w = write(STDOUT_FILENO, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				perror("write");
				failed = 1;
			}
			off += w;
		}
		if (failed)
			break;
	}
	if (have_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (failed)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
