#include "config.h"

#include "detect.h"

#include "elfcore.h"
#include "zst.h"

enum dump_kind detect_kind(const unsigned char *head, size_t n)
{
	if (elfcore_sniff(head, n))
		return DUMP_ELF_CORE;
	return DUMP_NONE;
}

enum dump_kind detect_file(int fd, const unsigned char *head, size_t n,
			   enum dump_compression *comp)
{
	*comp = COMP_NONE;
	enum dump_kind k = detect_kind(head, n);
	if (k != DUMP_NONE || !zst_sniff(head, n))
		return k;
	unsigned char inner[DUMP_HEAD_LEN];
	ssize_t got = zst_peek(fd, inner, sizeof(inner));
	k = got > 0 ? detect_kind(inner, (size_t)got) : DUMP_NONE;
	if (k != DUMP_NONE)
		*comp = COMP_ZSTD;
	return k;
}
