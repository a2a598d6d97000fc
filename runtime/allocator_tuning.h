// Process-wide allocator settings for certification runs (glibc malloc).
#pragma once

namespace cert::runtime {

/// Keeps freed blocks up to 32 MiB in the heap instead of returning them to the system: a run
/// allocates and frees coefficient matrices of the same sizes layer after layer and item after
/// item, and fresh pages cost a page fault each (about a quarter of a conv net's CROWN run
/// without this), and grows the heap by about 96 MiB marked for transparent huge pages (see the
/// .cpp). certify() calls it once per process; a no-op where the allocator is not glibc's.
void tuneAllocatorForRuns();

}  // namespace cert::runtime
