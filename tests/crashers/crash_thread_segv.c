/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Three threads wait while a fourth writes through a NULL pointer: SIGSEGV, SEGV_MAPERR,
 * fault address 0, in a thread that is not the main one.  Prints the crashing tid. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define IDLE_THREADS 2

static pthread_barrier_t ready;

static void *idle(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&ready);
	for (;;)
		pause();
	return NULL;
}

static void *boom(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&ready);
	printf("pid=%d tid=%ld ppid=%d threads=%d\n", (int)getpid(), (long)syscall(SYS_gettid),
	       (int)getppid(), IDLE_THREADS + 2);
	fflush(stdout);
	*(volatile int *)arg = 1; /* arg is NULL */
	return NULL;
}

int main(void)
{
	pthread_t t[IDLE_THREADS + 1];
	pthread_barrier_init(&ready, NULL, IDLE_THREADS + 1);
	for (int i = 0; i < IDLE_THREADS; i++)
		pthread_create(&t[i], NULL, idle, NULL);
	pthread_create(&t[IDLE_THREADS], NULL, boom, NULL);
	for (;;)
		pause();
}
