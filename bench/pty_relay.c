// SPDX-License-Identifier: GPL-2.0-or-later
// The baseline for bench/run: runs a command on a new pty (forkpty) and
// copies everything from the master to stdout. Like any recorder it gives
// the new pty the terminal's modes and size and keeps the terminal raw
// meanwhile; nothing else: no input, no resize, no logging. With -i (the
// baseline for bench/echo) it also copies standard input to the master,
// polling both; without, it only reads the master (no poll per read).
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <string.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int input = argc > 1 && strcmp(argv[1], "-i") == 0;
	if (input) {
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: pty_relay [-i] CMD [ARG...]\n");
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
		if (input) {
			struct pollfd fds[2] = {{master, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
			if (poll(fds, 2, -1) < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			if (fds[1].revents & (POLLIN | POLLHUP)) {
				ssize_t k = read(STDIN_FILENO, buf, sizeof buf);
				if (k > 0 && write(master, buf, (size_t)k) != k)
					break;
				if (k == 0)
					input = 0; // standard input ended: output only
			}
			if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
		}
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
