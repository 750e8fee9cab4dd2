/* blocks.c - small blocks that grow a little at a time
 *
 * A slab allocator: 64-KiB pages aligned to their size, each holding blocks
 * of one size, with its header (the page's free blocks, how many are in
 * use) at its start, so a block's page is its address rounded down. Pages
 * are mapped from the system and unmapped as soon as their blocks are all
 * released: when a whole capture's attempts grow by one SYN together (one
 * burst of SYNs, then the retries of all of them), the pages of the size
 * they leave go back at once, and no size keeps the space of another.
 * (Aligned pages from malloc do not do that: a freed one is too small for
 * the next aligned request, so the heap grows instead.)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "blocks.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

/* Under AddressSanitizer a block is addressable only while it is in use,
 * as a malloc'd one would be. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define GRAIN 8
#define CLASSES (SS_BLOCKS_LARGEST / GRAIN)
#define PAGE_BYTES ((size_t)65536)

typedef struct page {
    struct page *prev, *next;   /* the pages of this size with a free block */
    void        *free;          /* released blocks, each holding the next's address */
    uint32_t     used;          /* blocks in use */
    uint32_t     cut;           /* bytes cut from the page so far, the header included */
    uint32_t     block_bytes;
    uint32_t     class_index;
} page;

#define HEADER_BYTES ((sizeof(page) + GRAIN - 1) / GRAIN * GRAIN)

struct ss_blocks {
    page  *partial[CLASSES];    /* per size: pages with room */
    size_t pages;
    size_t large_bytes;
};

ss_blocks *ss_blocks_new(void) { return g_new0(ss_blocks, 1); }

static bool page_full(const page *p) { return !p->free && p->cut + p->block_bytes > PAGE_BYTES; }

static void unlink_page(ss_blocks *b, page *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        b->partial[p->class_index] = p->next;
    if (p->next)
        p->next->prev = p->prev;
    p->prev = p->next = NULL;
}

static void push_page(ss_blocks *b, page *p)
{
    p->prev = NULL;
    p->next = b->partial[p->class_index];
    if (p->next)
        p->next->prev = p;
    b->partial[p->class_index] = p;
}

/* A page aligned to its size: twice as much mapped, the rest unmapped. */
static page *page_map(void)
{
    size_t span = 2 * PAGE_BYTES;
    unsigned char *m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        g_error("synsight: out of memory for a %zu-byte page", PAGE_BYTES);
    uintptr_t start = ((uintptr_t)m + PAGE_BYTES - 1) & ~(uintptr_t)(PAGE_BYTES - 1);
    size_t head = start - (uintptr_t)m, tail = span - head - PAGE_BYTES;
    if (head)
        munmap(m, head);
    if (tail)
        munmap((unsigned char *)start + PAGE_BYTES, tail);
    return (page *)start;
}

static void page_unmap(page *p)
{
    UNPOISON((unsigned char *)p + HEADER_BYTES, PAGE_BYTES - HEADER_BYTES);
    munmap(p, PAGE_BYTES);
}

void ss_blocks_free(ss_blocks *b)
{
    if (!b)
        return;
    /* a page is unmapped when its last block is released: once the caller
     * has released them all, none is left */
    g_free(b);
}

static size_t class_of(size_t size) { return (size + GRAIN - 1) / GRAIN - 1; }

void *ss_blocks_alloc(ss_blocks *b, size_t size)
{
    if (size > SS_BLOCKS_LARGEST) {
        b->large_bytes += size;
        return g_malloc(size);
    }
    size_t c = class_of(size);
    page *p = b->partial[c];
    if (!p) {
        p = page_map();         /* zeroed */
        p->cut = HEADER_BYTES;
        p->block_bytes = (uint32_t)((c + 1) * GRAIN);
        p->class_index = (uint32_t)c;
        POISON((unsigned char *)p + HEADER_BYTES, PAGE_BYTES - HEADER_BYTES);
        b->pages++;
        push_page(b, p);
    }
    void *block = p->free;
    if (block) {
        UNPOISON(block, p->block_bytes);
        memcpy(&p->free, block, sizeof(void *));
    } else {
        block = (unsigned char *)p + p->cut;
        p->cut += p->block_bytes;
        UNPOISON(block, p->block_bytes);
    }
    p->used++;
    if (page_full(p))
        unlink_page(b, p);
    return block;
}

void ss_blocks_release(ss_blocks *b, void *block, size_t size)
{
    if (!block)
        return;
    if (size > SS_BLOCKS_LARGEST) {
        b->large_bytes -= size;
        g_free(block);
        return;
    }
    page *p = (page *)((uintptr_t)block & ~(uintptr_t)(PAGE_BYTES - 1));
    bool was_full = page_full(p);
    memcpy(block, &p->free, sizeof(void *));
    p->free = block;
    POISON(block, p->block_bytes);
    if (--p->used == 0) {
        if (!was_full)
            unlink_page(b, p);
        b->pages--;
        page_unmap(p);
    } else if (was_full) {
        push_page(b, p);
    }
}

void *ss_blocks_resize(ss_blocks *b, void *block, size_t size, size_t new_size)
{
    if (block && size > SS_BLOCKS_LARGEST && new_size > SS_BLOCKS_LARGEST) {
        b->large_bytes += new_size - size;
        return g_realloc(block, new_size);
    }
    if (block && size <= SS_BLOCKS_LARGEST && new_size <= SS_BLOCKS_LARGEST && class_of(size) == class_of(new_size))
        return block;
    void *grown = ss_blocks_alloc(b, new_size);
    if (block)
        memcpy(grown, block, size < new_size ? size : new_size);
    ss_blocks_release(b, block, size);
    return grown;
}

size_t ss_blocks_bytes(const ss_blocks *b) { return b->pages * PAGE_BYTES + b->large_bytes; }

size_t ss_blocks_mapped_bytes(const ss_blocks *b) { return b->pages * PAGE_BYTES; }
