//! Which vector unit runs the hot loops. Element-wise IEEE operations give the same bits at any
//! vector width, and no sum is ever reordered, so the choice changes speed only; the portable
//! path (`NNBOOK_PORTABLE=1`, or forced by tests) is there to prove it.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

/// Which kernels run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    Portable,
    Avx2,
    Avx512,
}

/// 0 = not forced; 1 = forced portable; 2 = forced AVX2 (tests compare paths in one process).
static FORCE: AtomicU8 = AtomicU8::new(0);

/// Force the portable path (or release it) for this process.
pub fn set_force_portable(on: bool) {
    FORCE.store(u8::from(on), Ordering::SeqCst);
}

/// Force AVX2 + FMA on a CPU that also has AVX-512 (or release it), so tests run that path
/// too; ignored where the CPU lacks AVX2 or FMA.
pub fn set_force_avx2(on: bool) {
    FORCE.store(if on { 2 } else { 0 }, Ordering::SeqCst);
}

/// The fastest path this CPU supports, unless `NNBOOK_PORTABLE=1` or a test forces one.
pub fn best_path() -> Path {
    static DETECTED: OnceLock<Path> = OnceLock::new();
    let detected = *DETECTED.get_or_init(|| {
        if std::env::var("NNBOOK_PORTABLE").is_ok_and(|v| v == "1") {
            return Path::Portable;
        }
        detect()
    });
    match FORCE.load(Ordering::Relaxed) {
        1 => Path::Portable,
        2 if detected != Path::Portable => Path::Avx2,
        _ => detected,
    }
}

#[cfg(target_arch = "x86_64")]
fn detect() -> Path {
    if is_x86_feature_detected!("avx512f")
        && is_x86_feature_detected!("avx512vl")
        && is_x86_feature_detected!("avx512dq")
        && is_x86_feature_detected!("avx512bw")
        && is_x86_feature_detected!("fma")
    {
        Path::Avx512
    } else if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        Path::Avx2
    } else {
        Path::Portable
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn detect() -> Path {
    Path::Portable
}

/// Defines a function whose body is compiled three times, for AVX-512, for AVX2 + FMA and
/// for the baseline CPU, and which runs the version [`best_path`] picks. The body is an
/// `#[inline(always)]` function called from `#[target_feature]` wrappers, so everything it
/// inlines (exp, sigmoid, …) is vectorised for that CPU.
macro_rules! multiversion {
    ($(#[$m:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$m])*
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            #[inline(always)]
            fn body($($arg: $ty),*) $(-> $ret)? $body
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")]
            fn avx512($($arg: $ty),*) $(-> $ret)? {
                body($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,fma")]
            fn avx2($($arg: $ty),*) $(-> $ret)? {
                body($($arg),*)
            }
            match $crate::simd::best_path() {
                #[cfg(target_arch = "x86_64")]
                // SAFETY: the path is only chosen when the CPU reports the features.
                $crate::simd::Path::Avx512 => unsafe { avx512($($arg),*) },
                #[cfg(target_arch = "x86_64")]
                // SAFETY: as above.
                $crate::simd::Path::Avx2 => unsafe { avx2($($arg),*) },
                _ => body($($arg),*),
            }
        }
    };
}

pub(crate) use multiversion;
