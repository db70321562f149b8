#include <cblas.h>
#include <lapacke.h>

/// Asks the core to bring the cache line holding `address` into its caches for reading; the
/// loop goes on meanwhile. Swift has no prefetch instruction: SGD fetches the rows of a later
/// rating this way, so their cache misses overlap the current rating's arithmetic.
static inline void reco_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
