/* The breadth-first search of checks/bfs.py, in C: same order, same counts, same stops.
 *
 * States are appended to one arena in the order they are first met, so BFS level d is the
 * contiguous index range [lvl_start, lvl_end) and the frontier is FIFO by construction.  A
 * state's parent is the index of the state whose expansion met it first.  The hash set holds
 * arena indices (open addressing, linear probing).
 *
 * mc_run() expands states until the Python side must look (the Meter's two counters: `tick`
 * expanded states, `watch` stored states), a level ends, a violation is met or the search is
 * done; the Python side keeps the Meter (limits, progress, Ctrl-C) and calls again. */

enum { R_HOLDS = 0, R_VIOLATED = 1, R_LOOK = 2, R_LEVEL = 3, R_OVERFLOW = 4, R_NOMEM = 5 };
/* io[] slots shared with checks/native/search.py */
enum { IO_TICK, IO_WATCH, IO_STORED, IO_TRANS, IO_DEPTH, IO_QUEUE, IO_VIOL, IO_FINALBAD, IO_N };

typedef struct {
  uint64_t *keys;      /* NW words per state */
  uint32_t *parent;    /* parent index; the initial state is its own parent */
  uint32_t *tab;       /* index + 1, 0 empty */
  uint64_t count, cap, tabmask;
  uint64_t lvl_start, lvl_end, cur;
  int64_t depth, transitions;
  int level_done, symmetry;
} ctx_t;

static inline uint64_t hash_key(const uint64_t *k) {
  uint64_t h = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < NW; i++) {
    h ^= k[i] + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
  }
  return h;
}

static int grow_table(ctx_t *c) {
  uint64_t size = (c->tabmask + 1) * 2;
  uint32_t *t = calloc(size, sizeof(uint32_t));
  if (!t) return -1;
  for (uint64_t i = 0; i < c->count; i++) {
    uint64_t h = hash_key(c->keys + i * NW) & (size - 1);
    while (t[h]) h = (h + 1) & (size - 1);
    t[h] = (uint32_t)(i + 1);
  }
  free(c->tab);
  c->tab = t;
  c->tabmask = size - 1;
  return 0;
}

/* 1: added as new state `count - 1`, 0: already stored, -1: out of memory */
static int insert(ctx_t *c, const uint64_t *k, uint32_t parent) {
  uint64_t h = hash_key(k) & c->tabmask;
  while (c->tab[h]) {
    if (memcmp(c->keys + (uint64_t)(c->tab[h] - 1) * NW, k, NW * sizeof(uint64_t)) == 0)
      return 0;
    h = (h + 1) & c->tabmask;
  }
  if (c->count >= 0xFFFFFFF0ULL) return -1;
  if (c->count == c->cap) {
    uint64_t cap = c->cap * 2;
    uint64_t *keys = realloc(c->keys, cap * NW * sizeof(uint64_t));
    if (!keys) return -1;
    c->keys = keys;
    uint32_t *par = realloc(c->parent, cap * sizeof(uint32_t));
    if (!par) return -1;
    c->parent = par;
    c->cap = cap;
  }
  memcpy(c->keys + c->count * NW, k, NW * sizeof(uint64_t));
  c->parent[c->count] = parent;
  c->tab[h] = (uint32_t)(c->count + 1);
  c->count++;
  if (c->count * 2 > c->tabmask + 1 && grow_table(c) < 0) return -1;
  return 1;
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

void *mc_new(int symmetry) {
  use_symmetry = symmetry;
  ctx_t *c = calloc(1, sizeof(ctx_t));
  if (!c) return 0;
  c->cap = 1 << 12;
  c->keys = malloc(c->cap * NW * sizeof(uint64_t));
  c->parent = malloc(c->cap * sizeof(uint32_t));
  c->tabmask = (1 << 13) - 1;
  c->tab = calloc(c->tabmask + 1, sizeof(uint32_t));
  if (!c->keys || !c->parent || !c->tab) return 0;
  c->symmetry = symmetry;
  v_t s[NS];
  uint64_t k[NW];
  memcpy(s, INIT, sizeof s);
  canon(s);
  if (pack(s, k) < 0) return 0;
  insert(c, k, 0);
  c->lvl_start = 0;
  c->lvl_end = 1;
  c->cur = 0;
  return c;
}

void mc_free(void *p) {
  ctx_t *c = p;
  if (!c) return;
  free(c->keys);
  free(c->parent);
  free(c->tab);
  free(c);
}

static void figures(ctx_t *c, int64_t *io) {
  io[IO_STORED] = (int64_t)c->count;
  io[IO_TRANS] = c->transitions;
  io[IO_DEPTH] = c->depth;
}

int mc_run(void *p, int64_t *io) {
  ctx_t *c = p;
  use_symmetry = c->symmetry;
  v_t s[NS], out[NA][NS];
  int act[NA], bads[NA], moved;
  uint64_t k[NW];
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
    uint64_t x = c->cur;
    unpack(c->keys + x * NW, s);
    int n = successors(s, out, act, bads, &moved);
    c->transitions += n;
    for (int i = 0; i < n; i++) {
      if (bads[i]) {
        c->depth++;
        figures(c, io);
        io[IO_VIOL] = (int64_t)x;
        io[IO_FINALBAD] = 1;
        return R_VIOLATED;
      }
      canon(out[i]);
      if (pack(out[i], k) < 0) { figures(c, io); return R_OVERFLOW; }
      if (insert(c, k, (uint32_t)x) < 0) { figures(c, io); return R_NOMEM; }
    }
#if ON_STATES
    if (!moved) {
      for (int a = 0; a < NA; a++) {
        if (s[PC[a]] < DONE[a]) {
          figures(c, io);
          io[IO_VIOL] = (int64_t)x;
          io[IO_FINALBAD] = 0;
          return R_VIOLATED;
        }
      }
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
  for (uint64_t x = (uint64_t)viol; x != 0; x = c->parent[x]) len++;
  uint32_t *chain = malloc((len + 1) * sizeof(uint32_t));
  if (!chain || len + 1 > cap) { free(chain); return -1; }
  uint64_t x = (uint64_t)viol;
  for (int64_t i = len; i > 0; i--) { chain[i] = (uint32_t)x; x = c->parent[x]; }
  v_t s[NS], out[NA][NS], t[NS];
  int act[NA], bads[NA], moved, m = 0;
  uint64_t k[NW];
  memcpy(s, INIT, sizeof s);
  for (int64_t i = 1; i <= len; i++) {
    const uint64_t *target = c->keys + (uint64_t)chain[i] * NW;
    int n = successors(s, out, act, bads, &moved), found = 0;
    for (int j = 0; j < n && !found; j++) {
      memcpy(t, out[j], sizeof t);
      canon(t);
      if (pack(t, k) == 0 && memcmp(k, target, NW * sizeof(uint64_t)) == 0) {
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
