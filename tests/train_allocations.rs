//! The `Trainer` allocates nothing per step or epoch once it has seen a
//! data set (for layers on direct kernels): counted by a global allocator
//! of this test binary. One test only, so no other test's thread
//! allocates while it counts (the counter is also per thread).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use nn::prelude::*;
use nn::train::{Dataset, Trainer};

/// The system allocator, counting this thread's allocations.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: the thread-local may be gone while a thread exits.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: every call is forwarded to `System` with the same arguments.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: as above; `ptr` came from this allocator, i.e. `System`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

nn::network! {
    struct Small {
        input: [2],
        hidden: Dense(8),
        act: Tanh,
        out: Dense(1),
    }
}

nn::network! {
    struct SmallCnn {
        input: [1, 12, 12],
        c1: Conv2d(4, kernel = 3),
        r1: Relu,
        c2: Conv2d(4, kernel = 3),
        flat: Flatten,
        out: Dense(1),
    }
}

#[test]
fn epochs_after_the_first_allocate_nothing() {
    let mut rng = Rng::seed(1);
    let x: Vec<[f32; 2]> = (0..64)
        .map(|_| [rng.normal() as f32, rng.normal() as f32])
        .collect();
    let y: Vec<[f32; 1]> = x.iter().map(|v| [v[0] * v[1]]).collect();
    let data = Dataset::new(x, y).unwrap();
    let mut net = Small::<f32>::new(2);
    let mut trainer = Trainer::<f32, Small<f32>, 4>::new(3);
    let mut sgd = Sgd::new(0.05);
    // The first epoch sizes the shuffled order (and takes the backup).
    trainer.epoch(&mut net, &mut sgd, &Mse, &data).unwrap();
    let before = allocations();
    let mut steps = 0;
    for _ in 0..3 {
        steps += trainer
            .epoch(&mut net, &mut sgd, &Mse, &data)
            .unwrap()
            .steps;
    }
    let during = allocations() - before;
    assert_eq!(steps, 48);
    assert_eq!(during, 0, "{during} allocations in {steps} steps");

    // Convolutions on the vectorised direct kernels (x86-64 with AVX2;
    // elsewhere their training batches take im2col + GEMM, which allocates).
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        let x: Vec<[[[f32; 12]; 12]; 1]> = (0..16)
            .map(|_| {
                [core::array::from_fn(|_| {
                    core::array::from_fn(|_| rng.normal() as f32)
                })]
            })
            .collect();
        let y: Vec<[f32; 1]> = x.iter().map(|v| [v[0][3][4] - v[0][7][2]]).collect();
        let data = Dataset::new(x.clone(), y).unwrap();
        let mut net = SmallCnn::<f32>::new(4);
        let mut trainer = Trainer::<f32, SmallCnn<f32>, 4>::new(5);
        let mut sgd = Sgd::new(0.005);
        trainer.epoch(&mut net, &mut sgd, &Mse, &data).unwrap();
        let before = allocations();
        for _ in 0..3 {
            trainer.epoch(&mut net, &mut sgd, &Mse, &data).unwrap();
        }
        let y = net.forward(&x[0]);
        let during = allocations() - before;
        assert!(y[0].is_finite());
        assert_eq!(during, 0, "{during} allocations in 12 convolution steps");
    }
}
