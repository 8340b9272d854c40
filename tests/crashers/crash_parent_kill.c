/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A parent kills its child with SIGABRT, as gunicorn's arbiter does on WORKER TIMEOUT:
 * the child's core has si_code SI_USER and si_pid == its ppid.  Prints both pids. */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int go[2];
	if (pipe(go) != 0)
		return 1;
	pid_t child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		close(go[0]);
		if (write(go[1], "r", 1) != 1) /* tell the parent we run */
			_exit(1);
		for (;;)
			pause();
	}
	close(go[1]);
	char c;
	if (read(go[0], &c, 1) != 1)
		return 1;
	kill(child, SIGABRT);
	int status;
	waitpid(child, &status, 0);
	printf("parent=%d child=%d dumped=%d\n", (int)getpid(), (int)child,
	       WIFSIGNALED(status) && WCOREDUMP(status));
	return 0;
}
