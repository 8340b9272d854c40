#include "config.h"

#include "detect.h"

#include "elfcore.h"

enum dump_kind detect_kind(const unsigned char *head, size_t n)
{
	if (elfcore_sniff(head, n))
		return DUMP_ELF_CORE;
	return DUMP_NONE;
}
