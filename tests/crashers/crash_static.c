/* SPDX-License-Identifier: GPL-2.0-or-later */
/* abort() inside a static function, so that its name is in .symtab only: tests/stacks.sh
 * strips copies of this program and gives the name back through MiniDebugInfo
 * (.gnu_debugdata) or a debug file found by build-id, never through .dynsym. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* noinline: the frame must be there to be named */
static __attribute__((noinline)) void stuck_in_static_helper(void)
{
	printf("pid=%d ppid=%d\n", (int)getpid(), (int)getppid());
	fflush(stdout);
	abort();
}

int main(void)
{
	stuck_in_static_helper();
}
