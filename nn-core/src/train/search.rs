//! Hyperparameter search: grid, random and Bayesian (a Gaussian process
//! with expected improvement) over a [`Space`] of runtime hyperparameters
//! (learning rate, momentum, weight decay, dropout rate, epochs, an index
//! into a list of architectures or batch sizes, ...). The objective is the
//! user's: it trains with a [`Trial`]'s values and returns a score to
//! minimise (a validation error, a k-fold mean). Seeded and reproducible;
//! grid and random trials run on all cores, in a fixed order of results.
//!
//! Shapes and batch sizes are types and consts, so a choice picks one of
//! a few: a family's member by index (`network!` with `Dense(16 | 32)`,
//! then `Net::visit(t.get("member") as usize, &mut visitor)`; see
//! `examples/search.rs`), a batch size by a `match` over consts:
//!
//! ```text
//! let batch = Param::Choice { name: "batch", values: vec![16.0, 32.0, 64.0] };
//! match t.get("batch") as usize {
//!     16 => Fit::<f32, Net<f32>, usize, 16>::new(10).run(..),
//!     32 => Fit::<f32, Net<f32>, usize, 32>::new(10).run(..),
//!     _ => Fit::<f32, Net<f32>, usize, 64>::new(10).run(..),
//! }
//! ```

use std::string::{String, ToString};
use std::vec::Vec;

use crate::Rng;

/// One dimension of a search space.
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    /// A positive value searched on a log scale (learning rates).
    LogUniform {
        /// Its name.
        name: &'static str,
        /// Smallest value.
        lo: f64,
        /// Largest value.
        hi: f64,
    },
    /// A value searched on a linear scale (momentum, dropout rate).
    Uniform {
        /// Its name.
        name: &'static str,
        /// Smallest value.
        lo: f64,
        /// Largest value.
        hi: f64,
    },
    /// One of a few values (epochs, an architecture's index).
    Choice {
        /// Its name.
        name: &'static str,
        /// The values.
        values: Vec<f64>,
    },
}

impl Param {
    fn name(&self) -> &'static str {
        match self {
            Param::LogUniform { name, .. }
            | Param::Uniform { name, .. }
            | Param::Choice { name, .. } => name,
        }
    }

    /// The value at `u` in `[0, 1]`.
    fn at(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        match self {
            Param::LogUniform { lo, hi, .. } => (lo.ln() + u * (hi.ln() - lo.ln())).exp(),
            Param::Uniform { lo, hi, .. } => lo + u * (hi - lo),
            Param::Choice { values, .. } => {
                let k = ((u * values.len() as f64) as usize).min(values.len().saturating_sub(1));
                values.get(k).copied().unwrap_or(0.0)
            }
        }
    }

    /// `u` for the `i`-th of `n` grid points.
    fn grid(&self, i: usize, n: usize) -> f64 {
        match self {
            Param::Choice { values, .. } => (i as f64 + 0.5) / values.len() as f64,
            _ if n <= 1 => 0.5,
            _ => i as f64 / (n - 1) as f64,
        }
    }

    fn grid_len(&self, n: usize) -> usize {
        match self {
            Param::Choice { values, .. } => values.len(),
            _ => n.max(1),
        }
    }
}

/// The dimensions searched.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Space {
    /// The dimensions, in order.
    pub params: Vec<Param>,
}

impl Space {
    /// An empty space.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a dimension.
    pub fn with(mut self, p: Param) -> Self {
        self.params.push(p);
        self
    }

    fn trial(&self, u: &[f64]) -> Trial {
        Trial {
            values: self
                .params
                .iter()
                .zip(u)
                .map(|(p, u)| (p.name(), p.at(*u)))
                .collect(),
            unit: u.to_vec(),
        }
    }
}

/// The values of one trial.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    /// Each dimension's name and value.
    pub values: Vec<(&'static str, f64)>,
    /// The point in the unit cube it came from.
    pub unit: Vec<f64>,
}

impl Trial {
    /// The value of dimension `name` (0 if there is none).
    pub fn get(&self, name: &str) -> f64 {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0.0, |(_, v)| *v)
    }
}

/// Every trial with its score (lower is better), in the order they were
/// proposed; a trial whose objective failed or gave a non-finite score is
/// kept with its reason.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchResult {
    /// The trials.
    pub trials: Vec<(Trial, Result<f64, String>)>,
}

impl SearchResult {
    /// The best trial and its score.
    pub fn best(&self) -> Option<(&Trial, f64)> {
        self.trials
            .iter()
            .filter_map(|(t, s)| s.as_ref().ok().map(|s| (t, *s)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// The results as a table, best first.
    pub fn table(&self) -> String {
        use core::fmt::Write;
        let mut rows: Vec<&(Trial, Result<f64, String>)> = self.trials.iter().collect();
        rows.sort_by(|a, b| match (&a.1, &b.1) {
            (Ok(x), Ok(y)) => x.total_cmp(y),
            (Ok(_), Err(_)) => core::cmp::Ordering::Less,
            (Err(_), Ok(_)) => core::cmp::Ordering::Greater,
            _ => core::cmp::Ordering::Equal,
        });
        let mut s = String::new();
        if let Some((t, _)) = rows.first() {
            for (n, _) in &t.values {
                let _ = write!(s, "{n:>14} ");
            }
            let _ = writeln!(s, "{:>12}", "score");
        }
        for (t, r) in rows {
            for (_, v) in &t.values {
                let _ = write!(s, "{v:>14.6e} ");
            }
            match r {
                Ok(v) => {
                    let _ = writeln!(s, "{v:>12.6}");
                }
                Err(e) => {
                    let _ = writeln!(s, "  failed: {e}");
                }
            }
        }
        s
    }
}

/// Runs `objective` on `trials`, on all cores (in order of results).
fn evaluate<F, E>(trials: Vec<Trial>, objective: &F) -> Vec<(Trial, Result<f64, String>)>
where
    F: Fn(&Trial) -> Result<f64, E> + Sync,
    E: core::fmt::Display,
{
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(trials.len().max(1));
    let next = core::sync::atomic::AtomicUsize::new(0);
    let mut slots: Vec<std::sync::Mutex<Option<Result<f64, String>>>> = (0..trials.len())
        .map(|_| std::sync::Mutex::new(None))
        .collect();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
                let Some(t) = trials.get(i) else { break };
                let r = match objective(t) {
                    Ok(v) if v.is_finite() => Ok(v),
                    Ok(v) => Err(std::format!("the score {v} is not finite")),
                    Err(e) => Err(e.to_string()),
                };
                if let Ok(mut slot) = slots[i].lock() {
                    *slot = Some(r);
                }
            });
        }
    });
    trials
        .into_iter()
        .zip(slots.iter_mut())
        .map(|(t, m)| {
            let r = m
                .get_mut()
                .ok()
                .and_then(|r| r.take())
                .unwrap_or_else(|| Err("not run".into()));
            (t, r)
        })
        .collect()
}

/// Every combination of `points` values per continuous dimension (every
/// value of a choice).
pub fn grid<F, E>(space: &Space, points: usize, objective: F) -> SearchResult
where
    F: Fn(&Trial) -> Result<f64, E> + Sync,
    E: core::fmt::Display,
{
    let lens: Vec<usize> = space.params.iter().map(|p| p.grid_len(points)).collect();
    let total: usize = lens.iter().product();
    let trials = (0..total)
        .map(|mut k| {
            let u: Vec<f64> = space
                .params
                .iter()
                .zip(&lens)
                .map(|(p, n)| {
                    let i = k % n;
                    k /= n;
                    p.grid(i, *n)
                })
                .collect();
            space.trial(&u)
        })
        .collect();
    SearchResult {
        trials: evaluate(trials, &objective),
    }
}

/// `n` points drawn uniformly (on each dimension's scale), seeded.
pub fn random<F, E>(space: &Space, n: usize, seed: u64, objective: F) -> SearchResult
where
    F: Fn(&Trial) -> Result<f64, E> + Sync,
    E: core::fmt::Display,
{
    let mut rng = Rng::seed(seed);
    let trials = (0..n)
        .map(|_| {
            let u: Vec<f64> = space.params.iter().map(|_| rng.uniform()).collect();
            space.trial(&u)
        })
        .collect();
    SearchResult {
        trials: evaluate(trials, &objective),
    }
}

/// Bayesian optimisation: `initial` random points, then one at a time the
/// point of largest expected improvement under a Gaussian process fitted
/// to the scores so far (squared-exponential kernel on the unit cube, its
/// length scale chosen by marginal likelihood), `n` trials in all, seeded.
/// Trials after the initial ones run one after the other (each depends on
/// the last).
pub fn bayesian<F, E>(
    space: &Space,
    n: usize,
    initial: usize,
    seed: u64,
    objective: F,
) -> SearchResult
where
    F: Fn(&Trial) -> Result<f64, E> + Sync,
    E: core::fmt::Display,
{
    let mut rng = Rng::seed(seed);
    let d = space.params.len();
    let first: Vec<Trial> = (0..initial.min(n))
        .map(|_| {
            let u: Vec<f64> = (0..d).map(|_| rng.uniform()).collect();
            space.trial(&u)
        })
        .collect();
    let mut trials = evaluate(first, &objective);
    while trials.len() < n {
        let seen: Vec<(&[f64], f64)> = trials
            .iter()
            .filter_map(|(t, s)| s.as_ref().ok().map(|s| (t.unit.as_slice(), *s)))
            .collect();
        let u = match Gp::fit(&seen) {
            Some(gp) => {
                let best = seen.iter().map(|(_, s)| *s).fold(f64::INFINITY, f64::min);
                let mut top = (f64::NEG_INFINITY, Vec::new());
                for _ in 0..2000 {
                    let c: Vec<f64> = (0..d).map(|_| rng.uniform()).collect();
                    let ei = gp.expected_improvement(&c, best);
                    if ei > top.0 {
                        top = (ei, c);
                    }
                }
                top.1
            }
            None => (0..d).map(|_| rng.uniform()).collect(),
        };
        trials.extend(evaluate(std::vec![space.trial(&u)], &objective));
    }
    SearchResult { trials }
}

/// The mean and standard deviation over `k` seeded folds of `score`,
/// called with each fold's training and validation parts (`stratify`
/// gives a sample's class to keep class shares in every fold, or `None`
/// for plain folds): the objective of a cross-validated search.
pub fn cross_validate<X, Y, E>(
    data: &super::Dataset<X, Y>,
    k: usize,
    seed: u64,
    stratify: Option<&dyn Fn(&Y) -> usize>,
    score: impl Fn(&super::Dataset<X, Y>, &super::Dataset<X, Y>) -> Result<f64, E>,
) -> Result<(f64, f64), String>
where
    X: Clone,
    Y: Clone,
    E: core::fmt::Display,
{
    let folds = match stratify {
        Some(class_of) => data.stratified_k_folds(k, seed, class_of),
        None => data.k_folds(k, seed),
    }
    .map_err(|e| e.to_string())?;
    let mut scores = Vec::with_capacity(folds.len());
    for (f, (train, val)) in folds.iter().enumerate() {
        let s = score(train, val).map_err(|e| std::format!("fold {f}: {e}"))?;
        if !s.is_finite() {
            return Err(std::format!("fold {f}: the score {s} is not finite"));
        }
        scores.push(s);
    }
    Ok(super::mean_std(&scores))
}

/// A Gaussian process on standardised scores.
struct Gp {
    xs: Vec<Vec<f64>>,
    alpha: Vec<f64>,
    chol: Vec<Vec<f64>>,
    length: f64,
    mean: f64,
    scale: f64,
}

const NOISE: f64 = 1e-6;

fn kernel(a: &[f64], b: &[f64], length: f64) -> f64 {
    let d2: f64 = a.iter().zip(b).map(|(a, b)| (a - b) * (a - b)).sum();
    (-d2 / (2.0 * length * length)).exp()
}

/// Lower Cholesky factor of `k`, or `None` if it is not positive definite.
fn cholesky(k: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = k.len();
    let mut l = std::vec![std::vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|p| l[i][p] * l[j][p]).sum();
            if i == j {
                let v = k[i][i] - s;
                if v <= 0.0 {
                    return None;
                }
                l[i][j] = v.sqrt();
            } else {
                l[i][j] = (k[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// Solves `L L^T x = b`.
fn solve(l: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let n = b.len();
    let mut y = std::vec![0.0; n];
    for i in 0..n {
        y[i] = (b[i] - (0..i).map(|p| l[i][p] * y[p]).sum::<f64>()) / l[i][i];
    }
    let mut x = std::vec![0.0; n];
    for i in (0..n).rev() {
        x[i] = (y[i] - (i + 1..n).map(|p| l[p][i] * x[p]).sum::<f64>()) / l[i][i];
    }
    x
}

impl Gp {
    fn fit(seen: &[(&[f64], f64)]) -> Option<Self> {
        if seen.len() < 2 {
            return None;
        }
        let n = seen.len();
        let mean = seen.iter().map(|(_, y)| y).sum::<f64>() / n as f64;
        let var = seen
            .iter()
            .map(|(_, y)| (y - mean) * (y - mean))
            .sum::<f64>()
            / n as f64;
        let scale = var.sqrt().max(1e-12);
        let ys: Vec<f64> = seen.iter().map(|(_, y)| (y - mean) / scale).collect();
        let xs: Vec<Vec<f64>> = seen.iter().map(|(x, _)| x.to_vec()).collect();
        let mut best: Option<(f64, Self)> = None;
        for length in [0.05, 0.1, 0.2, 0.3, 0.5, 0.8] {
            let k: Vec<Vec<f64>> = (0..n)
                .map(|i| {
                    (0..n)
                        .map(|j| kernel(&xs[i], &xs[j], length) + if i == j { NOISE } else { 0.0 })
                        .collect()
                })
                .collect();
            let Some(chol) = cholesky(&k) else { continue };
            let alpha = solve(&chol, &ys);
            // log p(y) = -y^T alpha / 2 - sum log L_ii - n/2 log 2 pi
            let fit: f64 = ys.iter().zip(&alpha).map(|(y, a)| y * a).sum::<f64>();
            let logdet: f64 = (0..n).map(|i| chol[i][i].ln()).sum();
            let ll = -0.5 * fit - logdet;
            if best.as_ref().is_none_or(|(b, _)| ll > *b) {
                best = Some((
                    ll,
                    Self {
                        xs: xs.clone(),
                        alpha,
                        chol,
                        length,
                        mean,
                        scale,
                    },
                ));
            }
        }
        best.map(|(_, gp)| gp)
    }

    /// Mean and standard deviation of the score at `x` (original units).
    fn predict(&self, x: &[f64]) -> (f64, f64) {
        let k: Vec<f64> = self
            .xs
            .iter()
            .map(|xi| kernel(xi, x, self.length))
            .collect();
        let mu: f64 = k.iter().zip(&self.alpha).map(|(k, a)| k * a).sum();
        // v = L^{-1} k; var = k(x, x) - v^T v.
        let n = k.len();
        let mut v = std::vec![0.0; n];
        for i in 0..n {
            v[i] = (k[i] - (0..i).map(|p| self.chol[i][p] * v[p]).sum::<f64>()) / self.chol[i][i];
        }
        let var = (1.0 + NOISE - v.iter().map(|v| v * v).sum::<f64>()).max(1e-12);
        (self.mean + self.scale * mu, self.scale * var.sqrt())
    }

    /// Expected improvement below `best` at `x`.
    fn expected_improvement(&self, x: &[f64], best: f64) -> f64 {
        let (mu, sigma) = self.predict(x);
        let z = (best - mu) / sigma;
        let cdf = 0.5 * (1.0 + libm::erf(z / core::f64::consts::SQRT_2));
        let pdf = (-0.5 * z * z).exp() / (2.0 * core::f64::consts::PI).sqrt();
        (best - mu) * cdf + sigma * pdf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn space() -> Space {
        Space::new()
            .with(Param::LogUniform {
                name: "lr",
                lo: 1e-4,
                hi: 1.0,
            })
            .with(Param::Choice {
                name: "width",
                values: std::vec![16.0, 32.0],
            })
    }

    /// A bowl in log lr, best at 1e-2, a little better with width 32.
    fn bowl(t: &Trial) -> Result<f64, String> {
        let x = t.get("lr").log10() + 2.0;
        Ok(x * x + if t.get("width") == 32.0 { 0.0 } else { 0.1 })
    }

    #[test]
    fn cross_validation_averages_the_folds() {
        let d = super::super::Dataset::new(
            (0..10).collect::<Vec<usize>>(),
            (0..10).map(|i| i % 2).collect(),
        )
        .unwrap();
        // The score of a fold: its validation part's mean input.
        let (mean, _) = cross_validate(
            &d,
            5,
            1,
            None,
            |_, v: &super::super::Dataset<usize, usize>| {
                Ok::<f64, String>(v.x().iter().sum::<usize>() as f64 / v.len() as f64)
            },
        )
        .unwrap();
        assert!(
            (mean - 4.5).abs() < 1e-12,
            "every sample validates once: {mean}"
        );
        let class = |y: &usize| *y;
        let (m, _) = cross_validate(
            &d,
            5,
            1,
            Some(&class),
            |_, v: &super::super::Dataset<usize, usize>| {
                Ok::<f64, String>(v.y().iter().filter(|c| **c == 1).count() as f64)
            },
        )
        .unwrap();
        assert_eq!(m, 1.0, "stratified: one of each class per fold");
        assert!(cross_validate(&d, 1, 1, None, |_, _| Ok::<f64, String>(0.0)).is_err());
    }

    #[test]
    fn grid_random_and_bayesian_find_the_bowls_bottom() {
        let g = grid(&space(), 5, bowl);
        assert_eq!(g.trials.len(), 10);
        let (t, s) = g.best().unwrap();
        assert!((t.get("lr") - 1e-2).abs() < 1e-15 && t.get("width") == 32.0 && s < 1e-20);
        let r = random(&space(), 12, 3, bowl);
        assert_eq!(r.trials.len(), 12);
        assert_eq!(r, random(&space(), 12, 3, bowl), "seeded");
        let b = bayesian(&space(), 12, 4, 3, bowl);
        assert_eq!(b.trials.len(), 12);
        // The GP finds the bottom more closely than random search does.
        assert!(
            b.best().unwrap().1 < r.best().unwrap().1,
            "{} vs {}",
            b.best().unwrap().1,
            r.best().unwrap().1
        );
        assert!(b.best().unwrap().1 < 0.15, "{}", b.best().unwrap().1);
        assert!(g.table().lines().count() == 11);
        // Failing trials are kept with their reason, and best() skips them.
        let f = random(&space(), 8, 1, |t: &Trial| {
            if t.get("width") == 16.0 {
                Err("no")
            } else {
                Ok(t.get("lr"))
            }
        });
        let failed = f.trials.iter().filter(|(_, r)| r.is_err()).count();
        assert!(failed > 0 && failed < 8, "{failed}");
        for (t, r) in &f.trials {
            assert_eq!(r.is_err(), t.get("width") == 16.0);
            if let Err(e) = r {
                assert_eq!(e, "no");
            }
        }
        let (best, score) = f.best().unwrap();
        assert_eq!((best.get("width"), score), (32.0, best.get("lr")));
        assert!(f.table().contains("failed: no"));
    }
}
