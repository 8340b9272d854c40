/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Calls abort() after printing its pids: SIGABRT with si_code SI_TKILL sent by itself. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("pid=%d ppid=%d\n", (int)getpid(), (int)getppid());
	fflush(stdout);
	abort();
}
