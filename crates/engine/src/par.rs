//! Data-parallel loops: rayon's with the `parallel` feature (the default), else sequential
//! stand-ins with the same names, for targets without threads (wasm32). The engine computes
//! the same bits on any number of threads, so the two give the same results.

#[cfg(feature = "parallel")]
pub use rayon::{current_num_threads, prelude::*};

#[cfg(not(feature = "parallel"))]
pub use seq::*;

#[cfg(not(feature = "parallel"))]
mod seq {
    use std::iter::{Enumerate, Map, Zip};
    use std::slice::{Chunks, ChunksMut};

    /// One thread: the caller's.
    pub fn current_num_threads() -> usize {
        1
    }

    /// An iterator with the few rayon adaptors the engine calls, run in order.
    pub struct Seq<I>(I);

    impl<I: Iterator> Seq<I> {
        pub fn zip<J: Iterator>(self, other: Seq<J>) -> Seq<Zip<I, J>> {
            Seq(self.0.zip(other.0))
        }

        pub fn enumerate(self) -> Seq<Enumerate<I>> {
            Seq(self.0.enumerate())
        }

        pub fn map<B, F: FnMut(I::Item) -> B>(self, f: F) -> Seq<Map<I, F>> {
            Seq(self.0.map(f))
        }

        pub fn for_each<F: FnMut(I::Item)>(self, f: F) {
            self.0.for_each(f)
        }

        /// rayon's `reduce`: an identity and an associative operation.
        pub fn reduce<Id, Op>(self, identity: Id, op: Op) -> I::Item
        where
            Id: Fn() -> I::Item,
            Op: Fn(I::Item, I::Item) -> I::Item,
        {
            self.0.fold(identity(), op)
        }
    }

    pub trait ParallelSlice<T> {
        fn par_chunks(&self, size: usize) -> Seq<Chunks<'_, T>>;
    }

    impl<T> ParallelSlice<T> for [T] {
        fn par_chunks(&self, size: usize) -> Seq<Chunks<'_, T>> {
            Seq(self.chunks(size))
        }
    }

    pub trait ParallelSliceMut<T> {
        fn par_chunks_mut(&mut self, size: usize) -> Seq<ChunksMut<'_, T>>;
    }

    impl<T> ParallelSliceMut<T> for [T] {
        fn par_chunks_mut(&mut self, size: usize) -> Seq<ChunksMut<'_, T>> {
            Seq(self.chunks_mut(size))
        }
    }
}
