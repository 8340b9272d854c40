/* detect: recognise a dump from the first bytes of a file, never from its name. */
#ifndef COREDU_DETECT_H
#define COREDU_DETECT_H

#include <stddef.h>

#include "dump.h"

/* Files shorter than this cannot be recognised as any kind of dump. */
#define DETECT_MIN_SIZE ELFCORE_MIN_HEAD

enum dump_kind detect_kind(const unsigned char *head, size_t n);
/* The same for a file open at fd whose first bytes are `head`: a compressed dump is
 * recognised by the decompressed start of its content.  *comp says how it is stored. */
enum dump_kind detect_file(int fd, const unsigned char *head, size_t n,
			   enum dump_compression *comp);

#endif
