/*
 * registry.h: what the strategy and workload registries share.
 *
 * Plug-ins register themselves in linker sections (STRATEGY(),
 * WORKLOAD()); each registry collects its section's descriptors into an
 * array of pointers. These helpers order that array for display and look
 * a name up in it, for any descriptor type that has a `const char *name`
 * and an `int order` member, given their offsets. Nothing here knows a
 * strategy or a workload.
 */
#ifndef CONCBENCH_REGISTRY_H
#define CONCBENCH_REGISTRY_H

#include <stddef.h>

/* Sort v[0..n) by order, then name (a stable, allocation-free insertion
 * sort: a registry holds a handful of entries). */
void registry_sort(const void **v, size_t n, size_t name_off, size_t order_off);

/* The entry of v[0..n) called name, or NULL. */
const void *registry_find(const void *const *v, size_t n, size_t name_off, const char *name);

#endif
