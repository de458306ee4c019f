package org.tinymem.sweep;

import java.util.List;

/**
 * Where a plan's entries run. {@link LocalEngine} runs them now, on this machine, with N worker
 * processes; {@link SlurmEngine} submits them as job arrays (one per stage) and returns. A PBS/Torque
 * engine would be a third implementation: a job script per stage whose tasks call the same
 * {@code tinymem sweep run PLAN --index I}, which does all the bookkeeping ({@link ResultStore}).
 */
public interface Engine {
    /** {@code local} or {@code slurm}. */
    String name();

    /**
     * Runs or submits {@code entries} (a subset of {@code store}'s plan: the ones not yet done)
     * stage by stage; prints what it does to {@code out}.
     */
    void submit(ResultStore store, List<PlanEntry> entries, java.io.PrintStream out) throws Exception;
}
