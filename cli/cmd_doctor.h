/* cmd_doctor: the `coredu doctor` verb over the dumps a scan found. */
#ifndef COREDU_CMD_DOCTOR_H
#define COREDU_CMD_DOCTOR_H

#include <stdbool.h>

#include "output/report.h"

struct doctor_cmd {
	bool json, all_processes;
	unsigned crashes;     /* 0: the default */
	const char *proc;     /* NULL: /proc */
};

/* Prints the report on stdout.  Returns 0 when nothing needs attention, 4 when something
 * does, 2 on an error. */
int cmd_doctor(const struct doctor_cmd *c, const struct report *r);

#endif
