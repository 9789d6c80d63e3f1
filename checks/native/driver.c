/* The breadth-first search of checks/bfs.py, in C: same order, same counts, same stops.
 *
 * States are appended to one store in the order they are first met, so BFS level d is the
 * contiguous index range [lvl_start, lvl_end) and the frontier is FIFO by construction.  A
 * state's parent is the index of the state whose expansion met it first.
 *
 * mc_run() expands states until the Python side must look (the Meter's two counters: `tick`
 * expanded states, `watch` stored states), a level ends, a violation is met or the search is
 * done; the Python side keeps the Meter (limits, progress, Ctrl-C) and calls again. */

enum { R_HOLDS = 0, R_VIOLATED = 1, R_LOOK = 2, R_LEVEL = 3, R_OVERFLOW = 4, R_NOMEM = 5 };
/* io[] slots shared with checks/native/search.py */
enum { IO_TICK, IO_WATCH, IO_STORED, IO_TRANS, IO_DEPTH, IO_QUEUE, IO_VIOL, IO_FINALBAD, IO_BYTES,
       IO_N };

/* The stored states.  A state is split into NC components (codegen.py's _components: one
 * per actor, one for the shared and other slots); each component's value is packed into its
 * CNW[c] words and interned in its own table (itab_t), and the state is stored as the NC
 * 32-bit indices of its components' values, followed by its parent's index: RS words of 32
 * bits, a few tens of bytes whatever the slots' widths (a component takes few distinct values:
 * an actor's pc and locals, the shared memory).  Packing is injective (a value outside its
 * width is reported, never truncated) and so is interning, so the stored set and the order
 * states are met in are those of one packed key per state.
 *
 * Records live in chunks of CHUNK states that never move (no realloc doubling that would
 * hold an old and a new copy at once).  The hash set of states (open addressing, linear
 * probing, grown at load 3/4) holds in each 64-bit entry the record index + 1 (0: empty)
 * and the key's upper 32 hash bits, so a probe reads another state's record only when
 * those match: the records are scattered over the heap, and one read each probe cost
 * a third of the search (4 more bytes per slot, about 9 per state). */

#define RS (NC + 1)
#define CHUNK_BITS 16
#define CHUNK ((uint64_t)1 << CHUNK_BITS)

typedef struct {
  uint64_t *vals;  /* nw words per value, in the order they were first met */
  uint32_t *tab;   /* index + 1, 0 empty */
  uint64_t count, cap, tabmask;
  int nw;
} itab_t;

typedef struct {
  uint32_t **chunks;   /* RS words per state, CHUNK states per chunk */
  uint64_t *tab;       /* hash << 32 | index + 1, 0 empty */
  itab_t comp[NC];
  uint64_t count, nchunks, chunkcap, tabmask;
  uint64_t lvl_start, lvl_end, cur;
  int64_t depth, transitions;
  int level_done, symmetry;
} ctx_t;

static inline uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  h *= 0xFF51AFD7ED558CCDULL;
  return h ^ (h >> 33);
}

static inline uint64_t hash_words(const uint64_t *k, int n) {
  uint64_t h = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < n; i++) h = mix(h, k[i]);
  return h;
}

static inline uint64_t hash_key(const uint32_t *k) {
  uint64_t h = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < NC; i++) h = mix(h, k[i]);
  return h;
}

/* word-by-word equality (inlined and unrolled: memcmp here was a third of the time) */
static inline int same_key(const uint32_t *a, const uint32_t *b) {
  uint32_t d = 0;
  for (int i = 0; i < NC; i++) d |= a[i] ^ b[i];
  return d == 0;
}

static inline int same_words(const uint64_t *a, const uint64_t *b, int n) {
  for (int i = 0; i < n; i++) if (a[i] != b[i]) return 0;
  return 1;
}

static inline uint32_t *rec(const ctx_t *c, uint64_t x) {
  return c->chunks[x >> CHUNK_BITS] + (x & (CHUNK - 1)) * RS;
}

static int itab_init(itab_t *t, int nw) {
  t->nw = nw;
  t->cap = 64;
  t->tabmask = 127;
  t->vals = malloc(t->cap * nw * sizeof(uint64_t));
  t->tab = calloc(t->tabmask + 1, sizeof(uint32_t));
  return t->vals && t->tab ? 0 : -1;
}

/* The index of value k in t; when absent, -1, or (add) its new index (-2: out of memory). */
static int64_t intern(itab_t *t, const uint64_t *k, int add) {
  const int nw = t->nw;
  uint64_t h = hash_words(k, nw) & t->tabmask;
  while (t->tab[h]) {
    uint64_t i = t->tab[h] - 1;
    if (same_words(t->vals + i * nw, k, nw)) return (int64_t)i;
    h = (h + 1) & t->tabmask;
  }
  if (!add) return -1;
  if (t->count >= 0xFFFFFFF0ULL) return -2;
  if (t->count == t->cap) {
    uint64_t *v = realloc(t->vals, t->cap * 2 * nw * sizeof(uint64_t));
    if (!v) return -2;
    t->vals = v;
    t->cap *= 2;
  }
  memcpy(t->vals + t->count * nw, k, nw * sizeof(uint64_t));
  t->tab[h] = (uint32_t)(t->count + 1);
  int64_t i = (int64_t)t->count++;
  if (t->count * 2 > t->tabmask + 1) {  /* small tables: load <= 1/2 */
    uint64_t size = (t->tabmask + 1) * 2;
    uint32_t *tab = calloc(size, sizeof(uint32_t));
    if (!tab) return -2;
    for (uint64_t j = 0; j < t->count; j++) {
      uint64_t g = hash_words(t->vals + j * nw, nw) & (size - 1);
      while (tab[g]) g = (g + 1) & (size - 1);
      tab[g] = (uint32_t)(j + 1);
    }
    free(t->tab);
    t->tab = tab;
    t->tabmask = size - 1;
  }
  return i;
}

/* s's key (its components' indices) in key; add: intern new component values.  0, or -1 a
 * value outgrew its slot, -2 out of memory, -3 (not add) a component value never met.
 * like: a stored state's record whose component values are tried first (a successor
 * shares most of its parent's). */
static int pack_state(ctx_t *c, const v_t *s, uint32_t *key, int add, const uint32_t *like) {
  uint64_t k[CNW_MAX];
  for (int i = 0; i < NC; i++) {
    if (pack_comp(i, s, k) < 0) return -1;
    itab_t *t = &c->comp[i];
    if (like && same_words(t->vals + (uint64_t)like[i] * t->nw, k, t->nw)) {
      key[i] = like[i];
      continue;
    }
    int64_t x = intern(t, k, add);
    if (x < 0) return x == -1 ? -3 : -2;
    key[i] = (uint32_t)x;
  }
  return 0;
}

static void unpack_state(const ctx_t *c, uint64_t x, v_t *s) {
  const uint32_t *r = rec(c, x);
  for (int i = 0; i < NC; i++)
    unpack_comp(i, c->comp[i].vals + (uint64_t)r[i] * c->comp[i].nw, s);
}

static int grow_table(ctx_t *c) {
  uint64_t size = (c->tabmask + 1) * 2;
  uint64_t *t = calloc(size, sizeof(uint64_t));
  if (!t) return -1;
  /* in groups of 16, the new slots prefetched first: the writes land all over the table */
  uint64_t full[16];
  for (uint64_t i0 = 0; i0 < c->count; i0 += 16) {
    int m = c->count - i0 < 16 ? (int)(c->count - i0) : 16;
    for (int j = 0; j < m; j++) {
      full[j] = hash_key(rec(c, i0 + j));
      __builtin_prefetch(&t[full[j] & (size - 1)], 1);
    }
    for (int j = 0; j < m; j++) {
      uint64_t h = full[j] & (size - 1);
      while (t[h]) h = (h + 1) & (size - 1);
      t[h] = (full[j] >> 32) << 32 | (i0 + j + 1);
    }
  }
  free(c->tab);
  c->tab = t;
  c->tabmask = size - 1;
  return 0;
}

/* 1: added as new state `count - 1`, 0: already stored, -1: out of memory.  full: the
 * key's hash_key (computed once: the batch prefetches its slot before inserting). */
static int insert_h(ctx_t *c, const uint32_t *k, uint64_t full, uint32_t parent) {
  uint64_t h = full & c->tabmask, tag = full >> 32;
  while (c->tab[h]) {
    uint64_t e = c->tab[h];
    if ((e >> 32) == tag && same_key(rec(c, (uint32_t)e - 1), k)) return 0;
    h = (h + 1) & c->tabmask;
  }
  if (c->count >= 0xFFFFFFF0ULL) return -1;
  if ((c->count >> CHUNK_BITS) == c->nchunks) {
    if (c->nchunks == c->chunkcap) {
      uint64_t cap = c->chunkcap ? c->chunkcap * 2 : 16;
      uint32_t **ch = realloc(c->chunks, cap * sizeof(uint32_t *));
      if (!ch) return -1;
      c->chunks = ch;
      c->chunkcap = cap;
    }
    uint32_t *chunk = malloc(CHUNK * RS * sizeof(uint32_t));
    if (!chunk) return -1;
    c->chunks[c->nchunks++] = chunk;
  }
  uint32_t *r = rec(c, c->count);
  memcpy(r, k, NC * sizeof(uint32_t));
  r[NC] = parent;
  c->tab[h] = tag << 32 | (c->count + 1);
  c->count++;
  if (c->count * 4 > (c->tabmask + 1) * 3 && grow_table(c) < 0) return -1;
  return 1;
}

static int insert(ctx_t *c, const uint32_t *k, uint32_t parent) {
  return insert_h(c, k, hash_key(k), parent);
}

/* Bytes the search holds: records, the hash set, the component tables. */
static int64_t held_bytes(const ctx_t *c) {
  uint64_t b = c->nchunks * CHUNK * RS * sizeof(uint32_t) + c->chunkcap * sizeof(uint32_t *)
               + (c->tabmask + 1) * sizeof(uint64_t);
  for (int i = 0; i < NC; i++)
    b += c->comp[i].cap * c->comp[i].nw * sizeof(uint64_t)
         + (c->comp[i].tabmask + 1) * sizeof(uint32_t);
  return (int64_t)b;
}

/* Every enabled step of s in actor order, as checks.stepcode.successor_function gives them.
 * Returns how many; *moved: whether any step was enabled (a twin-dropped one included). */
static int successors(const v_t *s, v_t out[][NS], int *act, int *bads, int *moved) {
  int k = 0;
  *moved = 0;
  for (int a = 0; a < NA; a++) {
    v_t pc = s[PC[a]];
    if (pc >= DONE[a]) continue;
    int bad = 0;
    v_t *t = out[k];
    if (!real_step(a, pc, s, t, &bad)) continue;
    *moved = 1;
#if TWIN
    int tbad = 0, ok = 0;
    if (s[NS - 1]) {
      v_t tpc = s[NREAL + TPC[a]];
      if (tpc < TDONE[a]) ok = twin_step(a, tpc, s + NREAL, t + NREAL, &tbad);
    }
    if (ok) {
      t[NS - 1] = 1;
      if (tbad) continue; /* the twin lost an error first: no wrap on this path */
    } else {
      memset(t + NREAL, 0, (NS - NREAL) * sizeof(v_t));
    }
#endif
    act[k] = a;
    bads[k] = bad;
    k++;
  }
  return k;
}

void mc_free(void *p);

void *mc_new(int symmetry) {
  use_symmetry = symmetry;
  ctx_t *c = calloc(1, sizeof(ctx_t));
  if (!c) return 0;
  c->tabmask = (1 << 13) - 1;
  c->tab = calloc(c->tabmask + 1, sizeof(uint64_t));
  int ok = c->tab != 0;
  for (int i = 0; i < NC; i++) ok = itab_init(&c->comp[i], CNW[i]) == 0 && ok;
  c->symmetry = symmetry;
  v_t s[NS];
  uint32_t k[NC];
  memcpy(s, INIT, sizeof s);
  canon(s);
  if (!ok || pack_state(c, s, k, 1, 0) < 0 || insert(c, k, 0) < 0) { mc_free(c); return 0; }
  c->lvl_start = 0;
  c->lvl_end = 1;
  c->cur = 0;
  return c;
}

void mc_free(void *p) {
  ctx_t *c = p;
  if (!c) return;
  for (uint64_t i = 0; i < c->nchunks; i++) free(c->chunks[i]);
  free(c->chunks);
  free(c->tab);
  for (int i = 0; i < NC; i++) { free(c->comp[i].vals); free(c->comp[i].tab); }
  free(c);
}

static void figures(ctx_t *c, int64_t *io) {
  io[IO_STORED] = (int64_t)c->count;
  io[IO_TRANS] = c->transitions;
  io[IO_DEPTH] = c->depth;
  io[IO_BYTES] = held_bytes(c);
}

/* States expanded ahead of their inserts (mc_run): their successors' keys are packed and
 * hashed first and the hash-set slots they probe (then the records a slot's tag points to)
 * are prefetched, so the cache misses of a batch overlap instead of coming one by one; the
 * inserts then run in exactly the order, with exactly the stops, of one state at a time.
 * Nearly all of the search's time was in those misses (perf: insert 60 %). */
#define BATCH 16

typedef struct {
  int n, moved, bad;      /* successors packed, any step enabled, first bad successor or -1 */
  int packed[NA];         /* pack_state's result per successor */
  uint32_t key[NA][NC];
  uint64_t hash[NA];
} expanded_t;

/* Expand state x into e: successors, canonical, packed and hashed (stops at a bad one). */
static void expand(ctx_t *c, uint64_t x, expanded_t *e) {
  v_t s[NS], out[NA][NS];
  int act[NA], bads[NA];
  unpack_state(c, x, s);
  const uint32_t *like = rec(c, x);  /* chunks never move */
  e->n = successors(s, out, act, bads, &e->moved);
  e->bad = -1;
  for (int i = 0; i < e->n; i++) {
    if (bads[i]) { e->bad = i; return; }
    canon(out[i]);
    e->packed[i] = pack_state(c, out[i], e->key[i], 1, like);
    e->hash[i] = e->packed[i] == 0 ? hash_key(e->key[i]) : 0;
  }
}

static int unfinished_at(ctx_t *c, uint64_t x) {
  v_t s[NS];
  unpack_state(c, x, s);
  for (int a = 0; a < NA; a++)
    if (s[PC[a]] < DONE[a]) return 1;
  return 0;
}

int mc_run(void *p, int64_t *io) {
  ctx_t *c = p;
  use_symmetry = c->symmetry;
  static expanded_t batch[BATCH];
  int64_t tick = io[IO_TICK];
  uint64_t watch = (uint64_t)io[IO_WATCH];
  if (c->level_done) { /* resumed after R_LEVEL: the next level, or the end */
    c->level_done = 0;
    c->lvl_start = c->lvl_end;
    c->lvl_end = c->count;
    if (c->lvl_start == c->lvl_end) { figures(c, io); return R_HOLDS; }
    c->depth++;
    c->cur = c->lvl_start;
  }
  while (c->cur < c->lvl_end) {
    uint64_t left = c->lvl_end - c->cur;
    int nb = (int)(left < BATCH ? left : BATCH);
    if (tick > 0 && tick < nb) nb = (int)tick;
    if (nb < 1) nb = 1;
    for (int b = 0; b < nb; b++) {
      expand(c, c->cur + b, &batch[b]);
      if (batch[b].bad >= 0) { nb = b + 1; break; }
    }
    for (int b = 0; b < nb; b++)
      for (int i = 0; i < batch[b].n && i != batch[b].bad; i++)
        if (batch[b].packed[i] == 0) __builtin_prefetch(&c->tab[batch[b].hash[i] & c->tabmask]);
    for (int b = 0; b < nb; b++)
      for (int i = 0; i < batch[b].n && i != batch[b].bad; i++) {
        if (batch[b].packed[i] != 0) continue;
        uint64_t e = c->tab[batch[b].hash[i] & c->tabmask];
        if (e && (e >> 32) == batch[b].hash[i] >> 32) __builtin_prefetch(rec(c, (uint32_t)e - 1));
      }
    for (int b = 0; b < nb; b++) {
      expanded_t *e = &batch[b];
      uint64_t x = c->cur;
      c->transitions += e->n;
      for (int i = 0; i < e->n; i++) {
        if (i == e->bad) {
          c->depth++;
          figures(c, io);
          io[IO_VIOL] = (int64_t)x;
          io[IO_FINALBAD] = 1;
          return R_VIOLATED;
        }
        int r = e->packed[i];
        if (r == -1) { figures(c, io); return R_OVERFLOW; }
        if (r < 0 || insert_h(c, e->key[i], e->hash[i], (uint32_t)x) < 0) {
          figures(c, io);
          return R_NOMEM;
        }
      }
#if ON_STATES
      if (!e->moved && unfinished_at(c, x)) {
        figures(c, io);
        io[IO_VIOL] = (int64_t)x;
        io[IO_FINALBAD] = 0;
        return R_VIOLATED;
      }
#endif
      c->cur++;
      tick--;
      if (tick <= 0 || c->count >= watch) {
        io[IO_TICK] = tick;
        io[IO_QUEUE] = (int64_t)(c->count - x);
        figures(c, io);
        return R_LOOK;
      }
    }
  }
  io[IO_TICK] = tick;
  io[IO_QUEUE] = (int64_t)(c->count - c->lvl_end);
  c->level_done = 1;
  figures(c, io);
  return R_LEVEL;
}

/* The concrete schedule (actor indices) to state `viol`, then one violating step if
 * final_bad: checks/bfs.py's schedule(), re-simulating the canonical path from INIT.
 * Returns its length, or -1 when the path cannot be re-simulated (an engine bug). */
int mc_schedule(void *p, int64_t viol, int final_bad, int *sched, int cap) {
  ctx_t *c = p;
  use_symmetry = c->symmetry;
  int64_t len = 0;
  for (uint64_t x = (uint64_t)viol; x != 0; x = rec(c, x)[NC]) len++;
  uint32_t *chain = malloc((len + 1) * sizeof(uint32_t));
  if (!chain || len + 1 > cap) { free(chain); return -1; }
  uint64_t x = (uint64_t)viol;
  for (int64_t i = len; i > 0; i--) { chain[i] = (uint32_t)x; x = rec(c, x)[NC]; }
  v_t s[NS], out[NA][NS], t[NS];
  int act[NA], bads[NA], moved, m = 0;
  uint32_t k[NC];
  memcpy(s, INIT, sizeof s);
  for (int64_t i = 1; i <= len; i++) {
    const uint32_t *target = rec(c, chain[i]);
    int n = successors(s, out, act, bads, &moved), found = 0;
    for (int j = 0; j < n && !found; j++) {
      memcpy(t, out[j], sizeof t);
      canon(t);
      if (pack_state(c, t, k, 0, 0) == 0 && same_key(k, target)) {
        sched[m++] = act[j];
        memcpy(s, out[j], sizeof s);
        found = 1;
      }
    }
    if (!found) { free(chain); return -1; }
  }
  free(chain);
  if (final_bad) {
    int n = successors(s, out, act, bads, &moved), j = 0;
    while (j < n && !bads[j]) j++;
    if (j == n || m >= cap) return -1;
    sched[m++] = act[j];
  }
  return m;
}

/* ---- progress (checks/liveness.py, checks/lasso.py) on the stored graph ---------------
 * After a complete search without symmetry (every reachable state stored, numbered in
 * breadth-first order, as checks.lasso's own BFS tree numbers them), mc_fair finds, one
 * actor a at a time, the strongly connected components of the states where a waits inside
 * a syncfs call (WAITS below), with an iterative Tarjan, and keeps the fair ones: a cycle
 * (or one state with no step at all, which stutters) on which every actor steps inside the
 * component or is disabled at one of its states.  Each is written to ctx->fair as
 * actor, size, members...; mc_succ gives Python a state's successors for the lasso. */

/* 1: actor a waits inside a call in s (its pc is inside one, or at a call's first step
 * and that step is disabled: blocked on a lock) */
static int waits(int a, const v_t *s, int enabled) {
  v_t pc = s[PC[a]];
  if (pc >= DONE[a]) return 0;
  if (INCALL[INCALL_OFF[a] + pc]) return 1;
  return BEGINS[INCALL_OFF[a] + pc] && !enabled;
}

/* state x's successors: acts[i], targets[i] (state indices); n, or -1 a successor is not
 * stored (the search was not complete) */
int mc_succ(void *p, int64_t x, int *acts, int64_t *targets) {
  ctx_t *c = p;
  v_t s[NS], out[NA][NS];
  int act[NA], bads[NA], moved;
  uint32_t k[NC];
  unpack_state(c, (uint64_t)x, s);
  int n = successors(s, out, act, bads, &moved);
  for (int i = 0; i < n; i++) {
    if (pack_state(c, out[i], k, 0, 0) < 0) return -1;
    uint64_t full = hash_key(k), h = full & c->tabmask, tag = full >> 32;
    int64_t y = -1;
    while (c->tab[h]) {
      uint64_t e = c->tab[h];
      if ((e >> 32) == tag && same_key(rec(c, (uint32_t)e - 1), k)) { y = (int64_t)(uint32_t)e - 1; break; }
      h = (h + 1) & c->tabmask;
    }
    if (y < 0) return -1;
    acts[i] = act[i];
    targets[i] = y;
  }
  return n;
}

typedef struct { uint64_t *v; uint64_t n, cap; } vec_t;

static int vec_push(vec_t *v, uint64_t x) {
  if (v->n == v->cap) {
    uint64_t cap = v->cap ? v->cap * 2 : 1024;
    uint64_t *w = realloc(v->v, cap * sizeof(uint64_t));
    if (!w) return -1;
    v->v = w;
    v->cap = cap;
  }
  v->v[v->n++] = x;
  return 0;
}

static vec_t fair_out;

/* Returns the number of words in the result (mc_fair_copy), -1 out of memory, -2 the graph
 * is incomplete. */
int64_t mc_fair(void *p) {
  ctx_t *c = p;
  uint64_t N = c->count;
  fair_out.n = 0;
  uint32_t *index = malloc(N * sizeof(uint32_t)), *low = malloc(N * sizeof(uint32_t));
  uint32_t *comp = malloc(N * sizeof(uint32_t));
  unsigned char *onstack = malloc(N), *inh = malloc(N);
  vec_t stack = {0}, frames = {0}, members = {0};
  if (!index || !low || !comp || !onstack || !inh) return -1;
  v_t s[NS];
  int acts[NA];
  int64_t t[NA];
  for (int a = 0; a < NA; a++) {
    /* which states are in H_a */
    for (uint64_t x = 0; x < N; x++) {
      unpack_state(c, x, s);
      int n = mc_succ(c, (int64_t)x, acts, t);
      if (n < 0) return -2;
      int en = 0;
      for (int i = 0; i < n; i++) if (acts[i] == a) en = 1;
      inh[x] = (unsigned char)waits(a, s, en);
    }
    memset(index, 0xff, N * sizeof(uint32_t));
    memset(comp, 0xff, N * sizeof(uint32_t));
    memset(onstack, 0, N);
    uint32_t next = 0, ncomp = 0;
    for (uint64_t root = 0; root < N; root++) {
      if (!inh[root] || index[root] != 0xffffffffu) continue;
      /* frame: node << 8 | next edge to try */
      frames.n = 0;
      if (vec_push(&frames, root << 8) < 0) return -1;
      index[root] = low[root] = next++;
      if (vec_push(&stack, root) < 0) return -1;
      onstack[root] = 1;
      while (frames.n) {
        uint64_t f = frames.v[frames.n - 1], x = f >> 8;
        int e = (int)(f & 0xff);
        int n = mc_succ(c, (int64_t)x, acts, t);
        if (e < n) {
          frames.v[frames.n - 1] = x << 8 | (uint64_t)(e + 1);
          uint64_t y = (uint64_t)t[e];
          if (!inh[y]) continue;
          if (index[y] == 0xffffffffu) {
            index[y] = low[y] = next++;
            if (vec_push(&stack, y) < 0 || vec_push(&frames, y << 8) < 0) return -1;
            onstack[y] = 1;
          } else if (onstack[y] && index[y] < low[x]) {
            low[x] = index[y];
          }
          continue;
        }
        frames.n--;
        if (frames.n) {
          uint64_t parent = frames.v[frames.n - 1] >> 8;
          if (low[x] < low[parent]) low[parent] = low[x];
        }
        if (low[x] != index[x]) continue;
        /* x is the root of a component: pop it */
        members.n = 0;
        uint64_t y;
        do {
          y = stack.v[--stack.n];
          onstack[y] = 0;
          comp[y] = ncomp;
          if (vec_push(&members, y) < 0) return -1;
        } while (y != x);
        uint32_t id = ncomp++;
        /* a cycle?  (or one state with no step at all: it stutters for ever) */
        int fair = 1;
        if (members.n == 1) {
          int m = mc_succ(c, (int64_t)x, acts, t), loop = 0;
          if (m == 0) fair = 2;
          for (int i = 0; i < m; i++) if ((uint64_t)t[i] == x) loop = 1;
          if (fair == 1 && !loop) fair = 0;
        }
        if (fair == 1) {
          for (int b = 0; b < NA && fair; b++) {
            int seen = 0;
            for (uint64_t i = 0; i < members.n && !seen; i++) {
              uint64_t z = members.v[i];
              int m = mc_succ(c, (int64_t)z, acts, t), mine = -1;
              for (int j = 0; j < m; j++) if (acts[j] == b) mine = j;
              if (mine < 0 || comp[t[mine]] == id)
                seen = 1;
            }
            if (!seen) fair = 0;
          }
        }
        if (fair) {
          if (vec_push(&fair_out, (uint64_t)a) < 0 || vec_push(&fair_out, members.n) < 0)
            return -1;
          for (uint64_t i = 0; i < members.n; i++)
            if (vec_push(&fair_out, members.v[i]) < 0) return -1;
        }
      }
    }
  }
  free(index); free(low); free(comp); free(onstack); free(inh);
  free(stack.v); free(frames.v); free(members.v);
  return (int64_t)fair_out.n;
}

void mc_fair_copy(int64_t *out) {
  for (uint64_t i = 0; i < fair_out.n; i++) out[i] = (int64_t)fair_out.v[i];
}
