"""Pure asyncio clients for the device families CamHub supports.

Nothing below this package imports Home Assistant: the clients are a library that the
integration (one level up) drives, and that tests and benchmarks can use on their own.
"""
