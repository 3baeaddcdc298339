"""PyTorch reference implementations used to make test fixtures and baseline benchmarks.

Nothing here is shipped: the .NET SDK never needs Python. These modules exist so the
fixtures under tests/ can be regenerated and so benchmarks have a PyTorch baseline.
"""
