//! NumPy's legacy global generator (`np.random.seed(s)`), bit for bit: MT19937, the 53-bit
//! double, the polar Gaussian with its cached second value, masked bounded integers, choice and
//! the Fisher–Yates shuffle behind `permutation`. This is what makes the articles' datasets
//! come out as the articles' own points.

const N: usize = 624;
const M: usize = 397;

/// The state of `np.random.RandomState` after `seed(s)`.
#[derive(Clone)]
pub struct NumpyRng {
    mt: [u32; N],
    index: usize,
    gauss: Option<f64>,
}

impl NumpyRng {
    /// `np.random.seed(seed)` (init_genrand).
    pub fn new(seed: u32) -> Self {
        let mut mt = [0u32; N];
        mt[0] = seed;
        for i in 1..N {
            mt[i] = 1_812_433_253u32
                .wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30))
                .wrapping_add(i as u32);
        }
        NumpyRng {
            mt,
            index: N,
            gauss: None,
        }
    }

    fn generate(&mut self) {
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        const MATRIX_A: u32 = 0x9908_b0df;
        for i in 0..N {
            let y = (self.mt[i] & UPPER) | (self.mt[(i + 1) % N] & LOWER);
            let mut v = self.mt[(i + M) % N] ^ (y >> 1);
            if y & 1 == 1 {
                v ^= MATRIX_A;
            }
            self.mt[i] = v;
        }
        self.index = 0;
    }

    /// The next raw 32-bit output (tempered).
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.generate();
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }

    /// `random_sample()`: a double in [0, 1) from two outputs (27 + 26 bits).
    pub fn random_sample(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `uniform(low, high)`.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.random_sample()
    }

    /// `standard_normal()`: the legacy polar method, which yields values in pairs.
    pub fn gauss(&mut self) -> f64 {
        if let Some(g) = self.gauss.take() {
            return g;
        }
        loop {
            let x1 = 2.0 * self.random_sample() - 1.0;
            let x2 = 2.0 * self.random_sample() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * super::log::ln(r2) / r2).sqrt();
                self.gauss = Some(f * x1);
                return f * x2;
            }
        }
    }

    /// `normal(loc, scale)`.
    pub fn normal(&mut self, loc: f64, scale: f64) -> f64 {
        loc + scale * self.gauss()
    }

    /// An integer in [0, max] by masked rejection (legacy `random_interval`, 32-bit case).
    pub fn interval(&mut self, max: u32) -> u32 {
        if max == 0 {
            return 0;
        }
        let mut mask = max;
        for s in [1, 2, 4, 8, 16] {
            mask |= mask >> s;
        }
        loop {
            let v = self.next_u32() & mask;
            if v <= max {
                return v;
            }
        }
    }

    /// `randint(low, high)` for a range below 2³².
    pub fn randint(&mut self, low: i64, high: i64) -> i64 {
        let range = (high - low - 1).clamp(0, i64::from(u32::MAX)) as u32;
        low + i64::from(self.interval(range))
    }

    /// `choice(n)` with uniform probabilities: `randint(0, n)`.
    pub fn choice(&mut self, n: usize) -> usize {
        self.randint(0, n as i64) as usize
    }

    /// `permutation(n)`: the legacy shuffle of `arange(n)`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.interval(i as u32) as usize;
            v.swap(i, j);
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::tests::read_csv;

    fn assert_bits(got: &[f64], file: &str) {
        let want: Vec<f64> = read_csv(file).into_iter().flatten().collect();
        assert_eq!(got.len(), want.len(), "{file}");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g.to_bits(), w.to_bits(), "{file}[{i}]: {g} vs {w}");
        }
    }

    #[test]
    fn matches_numpy_streams() {
        let mut r = NumpyRng::new(0);
        assert_bits(
            &(0..20).map(|_| r.random_sample()).collect::<Vec<_>>(),
            "seed0_random_sample_20.csv",
        );
        let mut r = NumpyRng::new(0);
        assert_bits(
            &(0..20).map(|_| r.gauss()).collect::<Vec<_>>(),
            "seed0_randn_20.csv",
        );
        let mut r = NumpyRng::new(3);
        assert_bits(
            &(0..20).map(|_| r.gauss()).collect::<Vec<_>>(),
            "seed3_randn_20.csv",
        );
        let mut r = NumpyRng::new(5);
        assert_bits(
            &(0..30).map(|_| r.choice(2) as f64).collect::<Vec<_>>(),
            "seed5_choice01_30.csv",
        );
        let mut r = NumpyRng::new(0);
        assert_bits(
            &(0..20).map(|_| r.uniform(0.0, 4.0)).collect::<Vec<_>>(),
            "seed0_uniform_0_4_10x2.csv",
        );
        let mut r = NumpyRng::new(7);
        assert_bits(
            &(0..20).map(|_| r.randint(0, 10) as f64).collect::<Vec<_>>(),
            "seed7_randint_0_10_20.csv",
        );
        let mut r = NumpyRng::new(0);
        assert_bits(
            &r.permutation(10)
                .iter()
                .map(|&v| v as f64)
                .collect::<Vec<_>>(),
            "seed0_permutation_10.csv",
        );
    }
}
