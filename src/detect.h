/* detect: recognise a dump from the first bytes of a file, never from its name. */
#ifndef COREDU_DETECT_H
#define COREDU_DETECT_H

#include <stddef.h>

#include "dump.h"

/* Files shorter than this cannot be recognised as any kind of dump. */
#define DETECT_MIN_SIZE ELFCORE_MIN_HEAD

enum dump_kind detect_kind(const unsigned char *head, size_t n);

#endif
