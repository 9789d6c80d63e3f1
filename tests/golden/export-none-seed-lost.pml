/*
 * syncfs-mc 0.1.0: Promela export of none --lock none --scenario seed, property lost
 * bounds: syncers=2, syncs=2, upper_syncers=0, upper_syncs=1, errors=['EIO'], counter_bits=19, overlays=1, threads_per_file=1, open_at=race, sync_fs_errors=returned, flock=False
 * Generated from the instrumented IR: one proctype per actor, one d_step per atomic
 * step and branch, the property's violation condition as assert(!(...)).
 * Run: spin -a FILE && gcc -O2 -fwrapv -DSAFETY -DBFS -o pan pan.c && ./pan -E (assertions only)
 * Dead values are reset to their initial value after their last read (syncfs-mc specs/deadreset.py).
 * Assertions starting with range_ok check the 30-bit range of int words: their failure means the export is not exact.
 */

#define range_ok 1

/* shared memory and ghost state */
int U = 0;  /* U: upper_sb->s_wb_err */
int O = 0;  /* O: overlay sb->s_wb_err (O) */
int fd1_f_sb_err = 0;  /* fd1.f_sb_err: file->f_sb_err of fd1 (on O) */
int fd2_f_sb_err = 0;  /* fd2.f_sb_err: file->f_sb_err of fd2 (on O) */
unsigned g_G : 13 = 0;  /* g.G: completed writeback errors on U */
unsigned g_U_R : 13 = 0;  /* g.U.R: greatest error generation reported to some file on U */
unsigned g_O_R : 13 = 0;  /* g.O.R: greatest error generation reported to some file on O */
unsigned g_fd1_lo : 13 = 0;  /* g.fd1.lo: lowest generation fd1 may have seen */
unsigned g_fd1_hi : 13 = 0;  /* g.fd1.hi: highest generation fd1 may have seen */
unsigned g_fd2_lo : 13 = 0;  /* g.fd2.lo: lowest generation fd2 may have seen */
unsigned g_fd2_hi : 13 = 0;  /* g.fd2.hi: highest generation fd2 may have seen */
unsigned g_P1_Gs : 13 = 0;  /* g.P1.Gs: P1's current syncfs: Gs */
unsigned g_P1_Ge : 13 = 0;  /* g.P1.Ge: P1's current syncfs: Ge */
unsigned g_P1_lo : 13 = 0;  /* g.P1.lo: P1's current syncfs: lo */
unsigned g_P1_hi : 13 = 0;  /* g.P1.hi: P1's current syncfs: hi */
unsigned g_P1_acc : 13 = 0;  /* g.P1.acc: P1's current syncfs: acc */
unsigned g_P2_Gs : 13 = 0;  /* g.P2.Gs: P2's current syncfs: Gs */
unsigned g_P2_Ge : 13 = 0;  /* g.P2.Ge: P2's current syncfs: Ge */
unsigned g_P2_lo : 13 = 0;  /* g.P2.lo: P2's current syncfs: lo */
unsigned g_P2_hi : 13 = 0;  /* g.P2.hi: P2's current syncfs: hi */
unsigned g_P2_acc : 13 = 0;  /* g.P2.acc: P2's current syncfs: acc */

/* W (writeback): writeback errors completing on the upper fs */
active proctype W() {
    unsigned W_pc : 2 = 0;  /* W.pc: program counter of W */
    int W_old = 0;  /* W.old: errseq_set: the value last read from (or found in) the word */
    int W_t0 = 0;  /* simultaneous assignment */
    int W_t1 = 0;  /* simultaneous assignment */
    int W_t2 = 0;  /* simultaneous assignment */
    do
    :: d_step { /* errseq_set(U).read */
           ((W_pc == 0) && ((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U)) ->
           W_old = (((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U) -> 0 : (((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U) -> 0 : U));
           g_G = (((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U) -> (g_G + 1) : g_G);
           U = (((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U) -> 0 : U);
           assert(range_ok && U >= 0 && U < 1073741824);
           assert(range_ok && W_old >= 0 && W_old < 1073741824);
           W_pc = 2
       }; break
    :: d_step { /* errseq_set(U).read */
           ((W_pc == 0) && (!((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U))) ->
           W_old = (((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U) -> 0 : (((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U) -> 0 : U));
           g_G = (((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U) -> (g_G + 1) : g_G);
           U = (((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U) -> 0 : U);
           assert(range_ok && U >= 0 && U < 1073741824);
           assert(range_ok && W_old >= 0 && W_old < 1073741824);
           W_pc = 1
       }
    :: d_step { /* errseq_set(U).cmpxchg */
           ((W_pc == 1) && ((U == W_old) || ((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U))) ->
           W_t0 = (((U == W_old) || ((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U)) -> 0 : ((U == W_old) -> (((W_old & 4096) != 0) -> ((((W_old & 2147475456) | 5) + 8192) & 2147483647) : ((W_old & 2147475456) | 5)) : U));
           W_t1 = (((U == W_old) || ((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U)) -> 0 : (((U == W_old) || ((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U)) -> 0 : U));
           W_t2 = (((U == W_old) || ((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U)) -> (g_G + 1) : g_G);
           U = W_t0;
           W_old = W_t1;
           g_G = W_t2;
           W_t0 = 0;
           W_t1 = 0;
           W_t2 = 0;
           assert(range_ok && U >= 0 && U < 1073741824);
           assert(range_ok && W_old >= 0 && W_old < 1073741824);
           W_pc = 2
       }; break
    :: d_step { /* errseq_set(U).cmpxchg */
           ((W_pc == 1) && (!((U == W_old) || ((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U)))) ->
           W_t0 = (((U == W_old) || ((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U)) -> 0 : ((U == W_old) -> (((W_old & 4096) != 0) -> ((((W_old & 2147475456) | 5) + 8192) & 2147483647) : ((W_old & 2147475456) | 5)) : U));
           W_t1 = (((U == W_old) || ((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U)) -> 0 : (((U == W_old) || ((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U)) -> 0 : U));
           W_t2 = (((U == W_old) || ((((U & 4096) != 0) -> ((((U & 2147475456) | 5) + 8192) & 2147483647) : ((U & 2147475456) | 5)) == U)) -> (g_G + 1) : g_G);
           U = W_t0;
           W_old = W_t1;
           g_G = W_t2;
           W_t0 = 0;
           W_t1 = 0;
           W_t2 = 0;
           assert(range_ok && U >= 0 && U < 1073741824);
           assert(range_ok && W_old >= 0 && W_old < 1073741824);
           W_pc = 1
       }
    od;
end: false
}

/* P1 (overlay-syncer): opens fd1 on O and calls syncfs on it 2 time(s) */
active proctype P1() {
    unsigned P1_pc : 3 = 0;  /* P1.pc: program counter of P1 */
    unsigned P1_ret : 13 = 0;  /* P1.ret: syncfs: the errseq check's result (positive errno or 0) */
    unsigned P1_sret : 13 = 0;  /* P1.sret: syncfs: ->sync_fs's result (positive errno or 0) */
    unsigned P1_c_ret : 13 = 0;  /* P1.c_ret: C local 'ret' (none.c) */
    int P1_old = 0;  /* P1.old: check_and_advance: the value read from the word */
    do
    :: d_step { /* errseq_sample(O) */
           (P1_pc == 0) ->
           fd1_f_sb_err = (((O & 4096) != 0) -> O : 0);
           g_fd1_hi = g_G;
           assert(range_ok && fd1_f_sb_err >= 0 && fd1_f_sb_err < 1073741824);
           P1_pc = 1
       }
    :: d_step { /* check_and_advance(O).read */
           ((P1_pc == 1) && ((O == fd1_f_sb_err) || ((O | 4096) == O))) ->
           assert(!(((O == fd1_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd1_f_sb_err) -> 0 : (O & 4095))) == 0) && ((((O == fd1_f_sb_err) || ((O | 4096) == O)) -> g_fd1_hi : g_P1_hi) < g_G))));
           P1_old = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : O));
           P1_ret = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : ((O == fd1_f_sb_err) -> 0 : (O & 4095)));
           P1_sret = 0;
           g_P1_Gs = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : g_G));
           g_P1_hi = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> g_fd1_hi : g_P1_hi)) : 0);
           g_fd1_hi = ((((O == fd1_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd1_f_sb_err) -> 0 : (O & 4095))) != 0) && ((((O == fd1_f_sb_err) || ((O | 4096) == O)) -> (((O == fd1_f_sb_err) -> 0 : (O & 4095)) != 0) : g_P1_acc) == 0))) -> (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> g_G : g_P1_Ge) : ((((O == fd1_f_sb_err) || ((O | 4096) == O)) && (((O == fd1_f_sb_err) -> 0 : (O & 4095)) != 0)) -> g_G : g_fd1_hi));
           g_P1_Ge = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> g_G : g_P1_Ge)) : 0);
           g_P1_acc = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> (((O == fd1_f_sb_err) -> 0 : (O & 4095)) != 0) : g_P1_acc)) : 0);
           fd1_f_sb_err = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> (((!(O == fd1_f_sb_err)) && ((O | 4096) == O)) -> O : fd1_f_sb_err) : 0);
           assert(range_ok && P1_old >= 0 && P1_old < 1073741824);
           assert(range_ok && fd1_f_sb_err >= 0 && fd1_f_sb_err < 1073741824);
           P1_pc = 3
       }
    :: d_step { /* check_and_advance(O).read */
           ((P1_pc == 1) && (!((O == fd1_f_sb_err) || ((O | 4096) == O)))) ->
           assert(!(((O == fd1_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd1_f_sb_err) -> 0 : (O & 4095))) == 0) && ((((O == fd1_f_sb_err) || ((O | 4096) == O)) -> g_fd1_hi : g_P1_hi) < g_G))));
           P1_old = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : O));
           P1_ret = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : ((O == fd1_f_sb_err) -> 0 : (O & 4095)));
           P1_sret = 0;
           g_P1_Gs = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : g_G));
           g_P1_hi = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> g_fd1_hi : g_P1_hi)) : 0);
           g_fd1_hi = ((((O == fd1_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd1_f_sb_err) -> 0 : (O & 4095))) != 0) && ((((O == fd1_f_sb_err) || ((O | 4096) == O)) -> (((O == fd1_f_sb_err) -> 0 : (O & 4095)) != 0) : g_P1_acc) == 0))) -> (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> g_G : g_P1_Ge) : ((((O == fd1_f_sb_err) || ((O | 4096) == O)) && (((O == fd1_f_sb_err) -> 0 : (O & 4095)) != 0)) -> g_G : g_fd1_hi));
           g_P1_Ge = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> g_G : g_P1_Ge)) : 0);
           g_P1_acc = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> (((O == fd1_f_sb_err) -> 0 : (O & 4095)) != 0) : g_P1_acc)) : 0);
           fd1_f_sb_err = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> (((!(O == fd1_f_sb_err)) && ((O | 4096) == O)) -> O : fd1_f_sb_err) : 0);
           assert(range_ok && P1_old >= 0 && P1_old < 1073741824);
           assert(range_ok && fd1_f_sb_err >= 0 && fd1_f_sb_err < 1073741824);
           P1_pc = 2
       }
    :: d_step { /* check_and_advance(O).cmpxchg */
           (P1_pc == 2) ->
           assert(!((((P1_sret != 0) -> P1_sret : P1_ret) == 0) && (g_fd1_hi < g_P1_Gs)));
           O = ((O == P1_old) -> (P1_old | 4096) : O);
           fd1_f_sb_err = (P1_old | 4096);
           g_P1_Ge = 0;
           g_P1_Gs = 0;
           g_P1_acc = 0;
           g_P1_hi = 0;
           g_fd1_hi = (((((P1_sret != 0) -> P1_sret : P1_ret) != 0) && (((P1_old & 4095) != 0) == 0)) -> g_G : (((P1_old & 4095) != 0) -> g_G : g_fd1_hi));
           P1_old = 0;
           P1_ret = 0;
           P1_sret = 0;
           assert(range_ok && O >= 0 && O < 1073741824);
           assert(range_ok && P1_old >= 0 && P1_old < 1073741824);
           assert(range_ok && fd1_f_sb_err >= 0 && fd1_f_sb_err < 1073741824);
           P1_pc = 3
       }
    :: d_step { /* check_and_advance(O).read */
           ((P1_pc == 3) && ((O == fd1_f_sb_err) || ((O | 4096) == O))) ->
           assert(!(((O == fd1_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd1_f_sb_err) -> 0 : (O & 4095))) == 0) && ((((O == fd1_f_sb_err) || ((O | 4096) == O)) -> g_fd1_hi : g_P1_hi) < g_G))));
           P1_old = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : O));
           P1_ret = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : ((O == fd1_f_sb_err) -> 0 : (O & 4095)));
           P1_sret = 0;
           g_P1_Gs = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : g_G));
           g_P1_hi = 0;
           g_fd1_hi = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : ((((O == fd1_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd1_f_sb_err) -> 0 : (O & 4095))) != 0) && ((((O == fd1_f_sb_err) || ((O | 4096) == O)) -> (((O == fd1_f_sb_err) -> 0 : (O & 4095)) != 0) : g_P1_acc) == 0))) -> (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> g_G : g_P1_Ge) : ((((O == fd1_f_sb_err) || ((O | 4096) == O)) && (((O == fd1_f_sb_err) -> 0 : (O & 4095)) != 0)) -> g_G : g_fd1_hi)));
           fd1_f_sb_err = 0;
           g_P1_Ge = 0;
           g_P1_acc = 0;
           assert(range_ok && P1_old >= 0 && P1_old < 1073741824);
           assert(range_ok && fd1_f_sb_err >= 0 && fd1_f_sb_err < 1073741824);
           P1_pc = 5
       }; break
    :: d_step { /* check_and_advance(O).read */
           ((P1_pc == 3) && (!((O == fd1_f_sb_err) || ((O | 4096) == O)))) ->
           assert(!(((O == fd1_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd1_f_sb_err) -> 0 : (O & 4095))) == 0) && ((((O == fd1_f_sb_err) || ((O | 4096) == O)) -> g_fd1_hi : g_P1_hi) < g_G))));
           P1_old = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : O));
           P1_ret = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : ((O == fd1_f_sb_err) -> 0 : (O & 4095)));
           P1_sret = 0;
           g_P1_Gs = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : g_G));
           g_P1_hi = 0;
           g_fd1_hi = (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> 0 : ((((O == fd1_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd1_f_sb_err) -> 0 : (O & 4095))) != 0) && ((((O == fd1_f_sb_err) || ((O | 4096) == O)) -> (((O == fd1_f_sb_err) -> 0 : (O & 4095)) != 0) : g_P1_acc) == 0))) -> (((O == fd1_f_sb_err) || ((O | 4096) == O)) -> g_G : g_P1_Ge) : ((((O == fd1_f_sb_err) || ((O | 4096) == O)) && (((O == fd1_f_sb_err) -> 0 : (O & 4095)) != 0)) -> g_G : g_fd1_hi)));
           fd1_f_sb_err = 0;
           g_P1_Ge = 0;
           g_P1_acc = 0;
           assert(range_ok && P1_old >= 0 && P1_old < 1073741824);
           assert(range_ok && fd1_f_sb_err >= 0 && fd1_f_sb_err < 1073741824);
           P1_pc = 4
       }
    :: d_step { /* check_and_advance(O).cmpxchg */
           (P1_pc == 4) ->
           assert(!((((P1_sret != 0) -> P1_sret : P1_ret) == 0) && (g_fd1_hi < g_P1_Gs)));
           O = ((O == P1_old) -> (P1_old | 4096) : O);
           P1_old = 0;
           P1_ret = 0;
           P1_sret = 0;
           fd1_f_sb_err = 0;
           g_P1_Ge = 0;
           g_P1_Gs = 0;
           g_P1_acc = 0;
           g_P1_hi = 0;
           g_fd1_hi = 0;
           assert(range_ok && O >= 0 && O < 1073741824);
           assert(range_ok && P1_old >= 0 && P1_old < 1073741824);
           assert(range_ok && fd1_f_sb_err >= 0 && fd1_f_sb_err < 1073741824);
           P1_pc = 5
       }; break
    od;
end: false
}

/* P2 (overlay-syncer): opens fd2 on O and calls syncfs on it 2 time(s) */
active proctype P2() {
    unsigned P2_pc : 3 = 0;  /* P2.pc: program counter of P2 */
    unsigned P2_ret : 13 = 0;  /* P2.ret: syncfs: the errseq check's result (positive errno or 0) */
    unsigned P2_sret : 13 = 0;  /* P2.sret: syncfs: ->sync_fs's result (positive errno or 0) */
    unsigned P2_c_ret : 13 = 0;  /* P2.c_ret: C local 'ret' (none.c) */
    int P2_old = 0;  /* P2.old: check_and_advance: the value read from the word */
    do
    :: d_step { /* errseq_sample(O) */
           (P2_pc == 0) ->
           fd2_f_sb_err = (((O & 4096) != 0) -> O : 0);
           g_fd2_hi = g_G;
           assert(range_ok && fd2_f_sb_err >= 0 && fd2_f_sb_err < 1073741824);
           P2_pc = 1
       }
    :: d_step { /* check_and_advance(O).read */
           ((P2_pc == 1) && ((O == fd2_f_sb_err) || ((O | 4096) == O))) ->
           assert(!(((O == fd2_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd2_f_sb_err) -> 0 : (O & 4095))) == 0) && ((((O == fd2_f_sb_err) || ((O | 4096) == O)) -> g_fd2_hi : g_P2_hi) < g_G))));
           P2_old = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : O));
           P2_ret = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : ((O == fd2_f_sb_err) -> 0 : (O & 4095)));
           P2_sret = 0;
           g_P2_Gs = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : g_G));
           g_P2_hi = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> g_fd2_hi : g_P2_hi)) : 0);
           g_fd2_hi = ((((O == fd2_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd2_f_sb_err) -> 0 : (O & 4095))) != 0) && ((((O == fd2_f_sb_err) || ((O | 4096) == O)) -> (((O == fd2_f_sb_err) -> 0 : (O & 4095)) != 0) : g_P2_acc) == 0))) -> (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> g_G : g_P2_Ge) : ((((O == fd2_f_sb_err) || ((O | 4096) == O)) && (((O == fd2_f_sb_err) -> 0 : (O & 4095)) != 0)) -> g_G : g_fd2_hi));
           g_P2_Ge = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> g_G : g_P2_Ge)) : 0);
           g_P2_acc = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> (((O == fd2_f_sb_err) -> 0 : (O & 4095)) != 0) : g_P2_acc)) : 0);
           fd2_f_sb_err = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> (((!(O == fd2_f_sb_err)) && ((O | 4096) == O)) -> O : fd2_f_sb_err) : 0);
           assert(range_ok && P2_old >= 0 && P2_old < 1073741824);
           assert(range_ok && fd2_f_sb_err >= 0 && fd2_f_sb_err < 1073741824);
           P2_pc = 3
       }
    :: d_step { /* check_and_advance(O).read */
           ((P2_pc == 1) && (!((O == fd2_f_sb_err) || ((O | 4096) == O)))) ->
           assert(!(((O == fd2_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd2_f_sb_err) -> 0 : (O & 4095))) == 0) && ((((O == fd2_f_sb_err) || ((O | 4096) == O)) -> g_fd2_hi : g_P2_hi) < g_G))));
           P2_old = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : O));
           P2_ret = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : ((O == fd2_f_sb_err) -> 0 : (O & 4095)));
           P2_sret = 0;
           g_P2_Gs = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : g_G));
           g_P2_hi = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> g_fd2_hi : g_P2_hi)) : 0);
           g_fd2_hi = ((((O == fd2_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd2_f_sb_err) -> 0 : (O & 4095))) != 0) && ((((O == fd2_f_sb_err) || ((O | 4096) == O)) -> (((O == fd2_f_sb_err) -> 0 : (O & 4095)) != 0) : g_P2_acc) == 0))) -> (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> g_G : g_P2_Ge) : ((((O == fd2_f_sb_err) || ((O | 4096) == O)) && (((O == fd2_f_sb_err) -> 0 : (O & 4095)) != 0)) -> g_G : g_fd2_hi));
           g_P2_Ge = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> g_G : g_P2_Ge)) : 0);
           g_P2_acc = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> (((O == fd2_f_sb_err) -> 0 : (O & 4095)) != 0) : g_P2_acc)) : 0);
           fd2_f_sb_err = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> (((!(O == fd2_f_sb_err)) && ((O | 4096) == O)) -> O : fd2_f_sb_err) : 0);
           assert(range_ok && P2_old >= 0 && P2_old < 1073741824);
           assert(range_ok && fd2_f_sb_err >= 0 && fd2_f_sb_err < 1073741824);
           P2_pc = 2
       }
    :: d_step { /* check_and_advance(O).cmpxchg */
           (P2_pc == 2) ->
           assert(!((((P2_sret != 0) -> P2_sret : P2_ret) == 0) && (g_fd2_hi < g_P2_Gs)));
           O = ((O == P2_old) -> (P2_old | 4096) : O);
           fd2_f_sb_err = (P2_old | 4096);
           g_P2_Ge = 0;
           g_P2_Gs = 0;
           g_P2_acc = 0;
           g_P2_hi = 0;
           g_fd2_hi = (((((P2_sret != 0) -> P2_sret : P2_ret) != 0) && (((P2_old & 4095) != 0) == 0)) -> g_G : (((P2_old & 4095) != 0) -> g_G : g_fd2_hi));
           P2_old = 0;
           P2_ret = 0;
           P2_sret = 0;
           assert(range_ok && O >= 0 && O < 1073741824);
           assert(range_ok && P2_old >= 0 && P2_old < 1073741824);
           assert(range_ok && fd2_f_sb_err >= 0 && fd2_f_sb_err < 1073741824);
           P2_pc = 3
       }
    :: d_step { /* check_and_advance(O).read */
           ((P2_pc == 3) && ((O == fd2_f_sb_err) || ((O | 4096) == O))) ->
           assert(!(((O == fd2_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd2_f_sb_err) -> 0 : (O & 4095))) == 0) && ((((O == fd2_f_sb_err) || ((O | 4096) == O)) -> g_fd2_hi : g_P2_hi) < g_G))));
           P2_old = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : O));
           P2_ret = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : ((O == fd2_f_sb_err) -> 0 : (O & 4095)));
           P2_sret = 0;
           g_P2_Gs = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : g_G));
           g_P2_hi = 0;
           g_fd2_hi = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : ((((O == fd2_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd2_f_sb_err) -> 0 : (O & 4095))) != 0) && ((((O == fd2_f_sb_err) || ((O | 4096) == O)) -> (((O == fd2_f_sb_err) -> 0 : (O & 4095)) != 0) : g_P2_acc) == 0))) -> (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> g_G : g_P2_Ge) : ((((O == fd2_f_sb_err) || ((O | 4096) == O)) && (((O == fd2_f_sb_err) -> 0 : (O & 4095)) != 0)) -> g_G : g_fd2_hi)));
           fd2_f_sb_err = 0;
           g_P2_Ge = 0;
           g_P2_acc = 0;
           assert(range_ok && P2_old >= 0 && P2_old < 1073741824);
           assert(range_ok && fd2_f_sb_err >= 0 && fd2_f_sb_err < 1073741824);
           P2_pc = 5
       }; break
    :: d_step { /* check_and_advance(O).read */
           ((P2_pc == 3) && (!((O == fd2_f_sb_err) || ((O | 4096) == O)))) ->
           assert(!(((O == fd2_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd2_f_sb_err) -> 0 : (O & 4095))) == 0) && ((((O == fd2_f_sb_err) || ((O | 4096) == O)) -> g_fd2_hi : g_P2_hi) < g_G))));
           P2_old = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : O));
           P2_ret = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : ((O == fd2_f_sb_err) -> 0 : (O & 4095)));
           P2_sret = 0;
           g_P2_Gs = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : g_G));
           g_P2_hi = 0;
           g_fd2_hi = (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> 0 : ((((O == fd2_f_sb_err) || ((O | 4096) == O)) && ((((0 != 0) -> 0 : ((O == fd2_f_sb_err) -> 0 : (O & 4095))) != 0) && ((((O == fd2_f_sb_err) || ((O | 4096) == O)) -> (((O == fd2_f_sb_err) -> 0 : (O & 4095)) != 0) : g_P2_acc) == 0))) -> (((O == fd2_f_sb_err) || ((O | 4096) == O)) -> g_G : g_P2_Ge) : ((((O == fd2_f_sb_err) || ((O | 4096) == O)) && (((O == fd2_f_sb_err) -> 0 : (O & 4095)) != 0)) -> g_G : g_fd2_hi)));
           fd2_f_sb_err = 0;
           g_P2_Ge = 0;
           g_P2_acc = 0;
           assert(range_ok && P2_old >= 0 && P2_old < 1073741824);
           assert(range_ok && fd2_f_sb_err >= 0 && fd2_f_sb_err < 1073741824);
           P2_pc = 4
       }
    :: d_step { /* check_and_advance(O).cmpxchg */
           (P2_pc == 4) ->
           assert(!((((P2_sret != 0) -> P2_sret : P2_ret) == 0) && (g_fd2_hi < g_P2_Gs)));
           O = ((O == P2_old) -> (P2_old | 4096) : O);
           P2_old = 0;
           P2_ret = 0;
           P2_sret = 0;
           fd2_f_sb_err = 0;
           g_P2_Ge = 0;
           g_P2_Gs = 0;
           g_P2_acc = 0;
           g_P2_hi = 0;
           g_fd2_hi = 0;
           assert(range_ok && O >= 0 && O < 1073741824);
           assert(range_ok && P2_old >= 0 && P2_old < 1073741824);
           assert(range_ok && fd2_f_sb_err >= 0 && fd2_f_sb_err < 1073741824);
           P2_pc = 5
       }; break
    od;
end: false
}
