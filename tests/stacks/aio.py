# SPDX-License-Identifier: GPL-2.0-or-later
# An asyncio task suspended in await, as an ASGI server's slow request: on no thread's stack.
import asyncio, sys

async def slow_endpoint():
    await asyncio.sleep(30)
    return 1

async def middleware(call):
    return await call()

async def main():
    task = asyncio.ensure_future(middleware(slow_endpoint))
    await asyncio.sleep(0)
    sys.stdout.write("ready\n"); sys.stdout.flush()
    await task

asyncio.run(main())
