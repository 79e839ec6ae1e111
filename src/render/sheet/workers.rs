//! Fitting the lessons' sheets on every core, one fit per thread at a time.
//!
//! The fits are independent: each lays out its own lesson in a typst world of its own, and its
//! bytes depend on that lesson alone, so the results, put back in the lessons' order, are the
//! same on one thread or many.
//!
//! The workers are threads of their own, not tasks of rayon's pool. typst hands parts of a
//! layout and of the PDF to rayon, and a rayon worker that waits for such a part runs other
//! queued tasks meanwhile: with the lessons as rayon tasks, a waiting fit started another
//! lesson's fit on top of its own stack, and that one another. At 10,000 items (200 lessons)
//! that nesting overflowed the stack with one thread and held 9.2 GB on two, every nested fit's
//! layouts alive at once. A thread of its own blocks while it waits, so at most one fit per
//! worker is in flight, and the memory stays at one lesson's per worker.

use std::sync::atomic::{AtomicUsize, Ordering};

/// A worker's stack: a layout recurses into the content, so it gets the 8 MiB of a main thread
/// rather than a spawned thread's default 2 MiB.
const STACK_BYTES: usize = 8 << 20;

/// `work` of every input, on as many threads as rayon's pool has (`RAYON_NUM_THREADS`, else one
/// per core; never more than the inputs), this thread among them; the results in the inputs'
/// order. Each worker takes the next input once it is done with its last.
pub(super) fn map_in_order<I, O>(inputs: &[I], work: impl Fn(&I) -> O + Sync) -> Vec<O>
where
    I: Sync,
    O: Send,
{
    let workers = rayon::current_num_threads().clamp(1, inputs.len().max(1));
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(input) = inputs.get(index) else {
                return done;
            };
            done.push((index, work(input)));
        }
    };
    let mut results = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..workers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name("cardsmith-sheet".to_owned())
                    .stack_size(STACK_BYTES)
                    .spawn_scoped(scope, worker)
                    .ok()
            })
            .collect();
        // A thread that could not be spawned leaves its share to the others.
        let mut all = worker();
        for handle in handles {
            match handle.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn results_come_in_the_inputs_order_whatever_finishes_first() {
        let inputs: Vec<u64> = (0..40).collect();
        let results = map_in_order(&inputs, |&n| {
            // Early inputs take longest, so later ones finish first on another thread.
            std::thread::sleep(std::time::Duration::from_millis(40u64.saturating_sub(n)));
            n * n
        });
        assert_eq!(results, inputs.iter().map(|n| n * n).collect::<Vec<_>>());
    }

    #[test]
    fn no_input_gives_no_result() {
        let results: Vec<u8> = map_in_order(&[] as &[u8], |&n| n);
        assert!(results.is_empty());
    }
}
