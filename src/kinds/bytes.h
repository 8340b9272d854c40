/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bytes: fixed-width integers from byte buffers in either byte order. */
#ifndef COREDU_BYTES_H
#define COREDU_BYTES_H

#include <stdbool.h>
#include <stdint.h>

static inline uint16_t bytes_u16(const unsigned char *b, bool be)
{
	return be ? (uint16_t)(b[0] << 8 | b[1]) : (uint16_t)(b[1] << 8 | b[0]);
}

static inline uint32_t bytes_u32(const unsigned char *b, bool be)
{
	return be ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]
		  : (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

static inline uint64_t bytes_u64(const unsigned char *b, bool be)
{
	uint64_t hi = bytes_u32(be ? b : b + 4, be), lo = bytes_u32(be ? b + 4 : b, be);
	return hi << 32 | lo;
}

#endif
