/*
 * registry.h: one registry for every kind of plug-in.
 *
 * Plug-ins register themselves in linker sections (STRATEGY(),
 * WORKLOAD(), LESSON()): each registration is an entry whose first member
 * points to the descriptor and whose second names the file that made it.
 * A struct registry reads one such section and keeps its descriptors in
 * display order (order, then name); it works for any descriptor type that
 * has a `const char *name` and an `int order` member, given their offsets.
 * Nothing here knows a strategy, a workload or a lesson.
 */
#ifndef CONCBENCH_REGISTRY_H
#define CONCBENCH_REGISTRY_H

#include <pthread.h>
#include <stddef.h>

/* What every section entry looks like: the descriptor and its file. */
struct registry_entry {
    const void *item;
    const char *file;
};

struct registry {
    const struct registry_entry *start, *stop; /* the section's bounds */
    size_t                       name_off, order_off;
    pthread_mutex_t              lock;
    const void                 **sorted; /* built on first use */
    size_t                       n;
};

/* A registry of the descriptors of type T in section SECTION, whose
 * bounds the linker defines as __start_SECTION and __stop_SECTION (declare
 * them with REGISTRY_SECTION(SECTION) first). */
#define REGISTRY_SECTION(section)                                                          \
    extern const struct registry_entry __start_##section[] __attribute__((weak));          \
    extern const struct registry_entry __stop_##section[] __attribute__((weak))
#define REGISTRY_INIT(section, T)                                                          \
    {__start_##section, __stop_##section, offsetof(T, name), offsetof(T, order),           \
     PTHREAD_MUTEX_INITIALIZER, NULL, 0}

/* Every registration, in link order (for the registry check). */
const struct registry_entry *registry_entries(const struct registry *r, size_t *n);

/* Every descriptor, by order then name; *n gets the count. Thread-safe. */
const void *const *registry_list(struct registry *r, size_t *n);

/* The descriptor called name, or NULL. Thread-safe. */
const void *registry_find(struct registry *r, const char *name);

#endif
