"""Tests of the PyTorch peer (parity.py). Run with Debian's PyTorch:

    /usr/bin/python3 -m unittest discover -s benchmarks/pytorch -p 'test_*.py'     (or parity.py --self-test)

The expected values of the data-side streams, the subsets, the normalisation and the schedules were
printed by swa4j's own Java classes (java.util.SplittableRandom, Seeds, EpochOrder, StratifiedSubset,
ChannelNormaliser, PrefetchingBatchIterator, SwaSchedule) for the arguments used here.
"""
import contextlib
import io
import json
import math
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from swa4j_peer import data, javarandom, metrics, models, presets, protocol, records, swag, trace  # noqa: E402
import parity  # noqa: E402

FULL_FASHION = all((data.SYSTEM_DIR / "fashion-mnist" / (f + ".gz")).is_file() for f in data.IDX_FILES)


class JavaRandomTest(unittest.TestCase):
    def test_splittable_random_matches_java(self):
        r = javarandom.SplittableRandom(12345)
        self.assertEqual([r.next_int(5), r.next_int(5), r.next_int(7), r.next_int(8)], [3, 3, 4, 4])
        self.assertEqual(r.next_double(), 0.506880215507456)
        self.assertEqual(r.next_int(1000000007), 640544764)

    def test_seeds_match_java(self):
        self.assertEqual(javarandom.as_signed(javarandom.mix(1, 0)), -7995527694508729151)
        self.assertEqual(javarandom.as_signed(javarandom.shuffle_seed(1, 0)), 413664795578053909)
        self.assertEqual(javarandom.as_signed(javarandom.mix(javarandom.augmentation_seed_base(1, 0), 3)), -3685805724868415692)
        base = javarandom.augmentation_seed_base(0x5EEDB00B + 2, 4)
        self.assertEqual(javarandom.as_signed(javarandom.mix(base, 127)), -9205041554183238391)

    def test_epoch_order_matches_java(self):
        order = javarandom.shuffled(6000, 1, 0)
        self.assertEqual(order[:8].tolist(), [5406, 3315, 2449, 4710, 1087, 441, 3804, 4246])
        self.assertEqual(int(order[5999]), 5909)
        self.assertEqual(sorted(order.tolist()), list(range(6000)))
        self.assertEqual(javarandom.shuffled(10, 0x5EEDB00B + 3, 7).tolist(), [0, 7, 8, 4, 9, 5, 3, 1, 2, 6])

    def test_vectorised_draws_equal_scalar_ones(self):
        seeds = javarandom.augmentation_seeds(1, 0, range(500))
        many = javarandom.SplittableRandoms(seeds)
        dy, dx, u = many.next_int(5), many.next_int(3), many.next_double()
        for k in range(500):
            one = javarandom.SplittableRandom(int(seeds[k]))
            self.assertEqual((one.next_int(5), one.next_int(3), one.next_double()), (dy[k], dx[k], u[k]))
        self.assertEqual(dy[:4].tolist(), [1, 2, 2, 4])  # swa4j: (dy, dx, flip) of positions 0..3 of seed 1, pass 0


class DataTest(unittest.TestCase):
    def test_embedded_subset_batches_are_swa4j_batches(self):
        d = data.open_dataset("fashion-mnist-embedded")
        self.assertEqual((d.train_size, len(d.test_labels)), (6000, 10000))
        self.assertEqual((d.mean, d.std), ([0.2869149359743898], [0.3537792665988047]))
        x, y = next(d.train_pass(128, 1, 0, True))
        flat = x.reshape(-1)
        self.assertEqual(x.shape, (128, 1, 28, 28))
        self.assertEqual(flat.astype(np.float64).sum(), -3914.752433538437)
        self.assertEqual([flat[0], flat[300], flat[784 * 5 + 400]], [np.float32(-0.8109999), np.float32(-0.7777455),
                                                                     np.float32(-0.8109999)])
        self.assertEqual(int(y[0]), 7)

    def test_last_batch_is_kept_smaller(self):
        d = data.open_dataset("fashion-mnist-embedded", train_limit=300, test_limit=100)
        sizes = [len(y) for _, y in d.train_pass(128, 1, 0, True)]
        self.assertEqual(sizes, [128, 128, 44])
        self.assertEqual([len(y) for _, y in d.test_batches(64)], [64, 36])

    def test_limits_are_swa4j_stratified_subsets(self):
        labels = np.array([0, 2, 2, 1, 3, 0, 1, 2, 2, 1, 0, 3, 1, 3, 2, 0, 2, 3, 1, 3, 0, 1, 2, 2, 1, 0, 3, 1, 2, 2, 0, 3,
                           3, 1, 3, 0, 1, 2, 3, 1])
        counts = np.bincount(labels).tolist()
        self.assertEqual(data.stratified_quotas(counts, 17), [3, 5, 5, 4])  # the class counts of swa4j's subset below
        expected = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 17, 18]
        self.assertEqual(data.stratified_subset(labels, 17).tolist(), expected)
        self.assertEqual(data.stratified_quotas([3, 5, 7, 1, 4], 9), [1, 2, 3, 1, 2])
        d = data.open_dataset("fashion-mnist-embedded", train_limit=1003, test_limit=333)
        self.assertEqual(np.bincount(d.train_labels).tolist(), [101, 101, 101, 100, 100, 100, 100, 100, 100, 100])
        self.assertEqual((d.mean, d.std), ([0.28749469378977915], [0.35530970317078076]))

    @unittest.skipUnless(FULL_FASHION, "needs Debian's dataset-fashion-mnist")
    def test_full_fashion_mnist_matches_swa4j(self):
        d = data.open_dataset("fashion-mnist", None, 10000, 999)
        self.assertEqual((d.mean, d.std), ([0.2866816471588635], [0.35401257266008673]))
        self.assertEqual(np.bincount(d.test_labels).tolist(), [100] * 9 + [99])
        passes = d.train_pass(128, 2, 3, True)
        next(passes)
        x, _ = next(passes)
        self.assertEqual(x.astype(np.float64).sum(), -3393.337117791176)
        tx, _ = next(d.test_batches(256))
        self.assertEqual(tx.astype(np.float64).sum(), 3426.5117042660713)

    def test_corrupt_and_missing_files_are_refused(self):
        with self.assertRaisesRegex(data.DataError, "bad IDX magic"):
            data.parse_idx("x", bytes([0, 0, 9, 3] + [0, 0, 0, 1] * 3 + [5]), 3)
        with self.assertRaisesRegex(data.DataError, "data bytes"):
            data.parse_idx("x", bytes([0, 0, 8, 1, 0, 0, 0, 3, 5]), 1)
        if not (data.SYSTEM_DIR / "mnist").is_dir():
            with tempfile.TemporaryDirectory() as tmp, self.assertRaisesRegex(data.DataError, "mnist not found"):
                data.read_splits("mnist", tmp)
        with self.assertRaisesRegex(data.DataError, "cifar10"):
            data.read_splits("cifar10")


class PresetTest(unittest.TestCase):
    def test_quick_schedules_equal_swa4j(self):
        p = presets.load("quick")
        sgd = [0.05, 0.05, 0.05, 0.05, 0.02937500000000001, 0.008750000000000003, 5.0E-4, 5.0E-4, 5.0E-4]
        # train.py's schedule by hand: swa_start 5, swa_lr / lr_init = 0.5; t = e / 5 <= 0.5: 1, then down to 0.5 at t = 0.9
        swa = [0.05, 0.05, 0.05, 0.04375, 0.03125, 0.025, 0.025, 0.025, 0.025]
        self.assertEqual([presets.sgd_lr(p, e) for e in range(6)], sgd[:6])
        for e in range(9):
            self.assertAlmostEqual(presets.swa_lr(p, e), swa[e], places=15)
        self.assertEqual((presets.swa_epochs(p), presets.fge_start_epoch(p), presets.fge_cycle(p, 47)), (9, 5, 24))

    def test_fge_schedule_and_snapshots(self):
        c = 24
        self.assertEqual(presets.fge_lr(0, c, 0.05, 0.01), 0.05)
        self.assertAlmostEqual(presets.fge_lr(12, c, 0.05, 0.01), 0.01, places=15)
        self.assertAlmostEqual(presets.fge_lr(6, c, 0.05, 0.01), 0.03, places=15)
        self.assertAlmostEqual(presets.fge_lr(30, c, 0.05, 0.01), 0.03, places=15)
        self.assertEqual([i for i in range(60) if presets.fge_snapshot(i, c)], [11, 35, 59])

    def test_budget_override_scales_swa_start_with_java_rounding(self):
        p = presets.with_budget(presets.load("quick"), 3)
        self.assertEqual((p["budget_epochs"], p["swa"]["start"]), (3, 3))  # round(2.5) = 3 as Java's Math.round
        self.assertEqual([presets.epochs_at(p, b) for b in p["swa"]["budgets"]], [3, 4, 5])
        self.assertEqual(presets.problems(p), [])

    def test_unimplemented_and_invalid_presets_are_refused_by_name(self):
        self.assertIn("dataset 'cifar10' is not implemented", " ".join(presets.problems(presets.load("cifar10-preresnet20-cpu"))))
        self.assertIn("model 'vgg16' is not implemented", " ".join(presets.problems(presets.load("cifar10-vgg16"))))
        cyclic = presets.problems(presets.load("imagenet-swa-pretrained"))
        self.assertTrue(any("cyclic" in s for s in cyclic) and any("pretrained" in s for s in cyclic), cyclic)
        with tempfile.TemporaryDirectory() as tmp:
            raw = json.loads((presets.PRESET_DIR / "quick.json").read_text())
            raw["learning_rate"] = 0.1
            path = Path(tmp) / "bad.json"
            path.write_text(json.dumps(raw))
            with self.assertRaisesRegex(presets.PresetError, "learning_rate"):
                presets.load(str(path))
        with self.assertRaisesRegex(presets.PresetError, "unknown preset 'nope'"):
            presets.load("nope")
        self.assertEqual(presets.problems(presets.load("ablation-fixed-lr")), [])

    def test_shards_split_the_seeds(self):
        self.assertEqual(parity.shard_seeds(8, parity.parse_shard("1/3")), [2, 5, 8])
        self.assertEqual(parity.shard_seeds(3, parity.parse_shard("0/1")), [1, 2, 3])
        with self.assertRaisesRegex(ValueError, "--shard 3/3"):
            parity.parse_shard("3/3")


class MetricsTest(unittest.TestCase):
    def test_accuracy_nll_ece_by_hand(self):
        p = np.array([[0.7, 0.2, 0.1], [0.1, 0.5, 0.4], [0.3, 0.3, 0.4], [0.0, 1.0, 0.0]])
        y = np.array([0, 2, 2, 0])
        acc, nll, ece, _ = metrics.prediction_metrics(p, y)
        self.assertEqual(acc, 50.0)
        self.assertAlmostEqual(nll, -(math.log(0.7) + math.log(0.4) + math.log(0.4) + math.log(1e-12)) / 4, places=12)
        # bins (15 over (0, 1]): 0.7 -> bin 10 (hit), 0.5 -> bin 7 (miss), 0.4 -> bin 5 (hit), 1.0 -> bin 14 (miss)
        self.assertAlmostEqual(ece, 100 * (0.3 + 0.5 + 0.6 + 1.0) / 4, places=12)

    def test_reliability_bins_by_hand(self):
        p = np.array([[0.7, 0.2, 0.1], [0.1, 0.68, 0.22], [0.25, 0.3, 0.45], [0.0, 1.0, 0.0], [0.34, 0.33, 0.33]])
        y = np.array([0, 2, 2, 0, 0])
        m = metrics.prediction_metrics(p, y)
        # 15 conf = 10.5, 10.2, 6.75, 15, 5.1 -> bins 10, 10, 6, 14, 5; hits: yes, no, yes, no, yes
        counts = [0] * 15
        counts[5], counts[6], counts[10], counts[14] = 1, 1, 2, 1
        self.assertEqual(m.reliability["count"], counts)
        expected_conf = {5: 34.0, 6: 45.0, 10: 69.0, 14: 100.0}
        expected_acc = {5: 100.0, 6: 100.0, 10: 50.0, 14: 0.0}
        for b in range(15):
            if b in expected_conf:
                self.assertAlmostEqual(m.reliability["confidence"][b], expected_conf[b], places=10)
                self.assertAlmostEqual(m.reliability["accuracy"][b], expected_acc[b], places=10)
            else:
                self.assertIsNone(m.reliability["confidence"][b])
                self.assertIsNone(m.reliability["accuracy"][b])
        # ECE = 1/5 (|1 - 0.34| + |1 - 0.45| + 2 |0.5 - 0.69| + |0 - 1|) = 2.59 / 5
        self.assertAlmostEqual(m.ece, 100 * 2.59 / 5, places=10)
        self.assertEqual(m.accuracy, 60.0)

    def test_first_largest_is_the_prediction(self):
        acc, _, _, _ = metrics.prediction_metrics(np.array([[0.5, 0.5]]), np.array([0]))
        self.assertEqual(acc, 100.0)


class ModelTest(unittest.TestCase):
    def test_parameter_counts_equal_swa_models(self):
        self.assertEqual(models.parameter_count(models.build("preresnet20", 3, 10, 1)), 272282)
        self.assertEqual(models.parameter_count(models.build("preresnet164", 3, 10, 1)), 1703258)
        self.assertEqual(models.parameter_count(models.build("cnn16", 1, 10, 1)), 72666)
        self.assertEqual(models.parameter_count(models.build("cnn32", 3, 10, 1)), 288746)
        with self.assertRaisesRegex(ValueError, "preresnet depth 21"):
            models.build("preresnet21", 3, 10, 1)

    def test_initialisation(self):
        torch.manual_seed(0)
        m = models.build("cnn32", 1, 10, 7)
        last = m.features[-4]  # the stage-3 second convolution, 128 -> 128, 3x3
        self.assertAlmostEqual(float(last.weight.std()), math.sqrt(2 / (9 * 128)), delta=0.003)
        self.assertLessEqual(float(m.fc.weight.abs().max()), 1 / math.sqrt(128))
        self.assertEqual(float(m.fc.bias.abs().max()), 0.0)
        self.assertTrue(torch.equal(models.build("cnn32", 1, 10, 7).fc.weight, m.fc.weight))

    def test_batchnorm_running_statistics_use_the_biased_variance(self):
        bn = models.BatchNorm(2)
        x = torch.randn(4, 2, 3, 3, generator=torch.Generator().manual_seed(1))
        bn(x)
        var = x.transpose(0, 1).reshape(2, -1).var(dim=1, unbiased=False)
        self.assertTrue(torch.allclose(bn.running_var, 0.9 + 0.1 * var, atol=1e-7))

    def test_recalibration_is_the_batch_size_weighted_average(self):
        bn = models.BatchNorm(1)
        a = torch.arange(8.0).reshape(2, 1, 2, 2)  # mean 3.5, biased variance 21/4 + 0 ...
        b = torch.tensor([10.0, 12.0, 14.0, 16.0]).reshape(1, 1, 2, 2)
        bn.start_recalibration()
        bn(a)
        bn(b)
        bn.finish_recalibration()
        mean_a, var_a = 3.5, float(np.var(np.arange(8.0)))
        mean_b, var_b = 13.0, 5.0
        self.assertAlmostEqual(float(bn.running_mean), (2 * mean_a + mean_b) / 3, places=5)
        self.assertAlmostEqual(float(bn.running_var), (2 * var_a + var_b) / 3, places=5)


class AverageTest(unittest.TestCase):
    def test_swa_and_ema_by_hand(self):
        net = torch.nn.Linear(1, 1, bias=False)
        swa, ema = protocol.Average(net), protocol.Average(net, 0.5)
        for w in (2.0, 4.0, 9.0):
            with torch.no_grad():
                net.weight.fill_(w)
            swa.update(net)
            ema.update(net)
        self.assertAlmostEqual(float(swa.model.weight), 5.0, places=6)
        self.assertAlmostEqual(float(ema.model.weight), 0.5 * (0.5 * 2 + 0.5 * 4) + 0.5 * 9, places=6)
        self.assertEqual(swa.count, 3)

    def test_statistics_are_copied_not_averaged(self):
        net = models.BatchNorm(1)
        avg = protocol.Average(net)
        for v in (1.0, 3.0):
            net.running_mean.fill_(v)
            avg.update(net)
        self.assertEqual(float(avg.model.running_mean), 3.0)


class SwagTest(unittest.TestCase):
    """swag.Swag against moments and deviations worked out by hand, and its samples' covariance."""

    @staticmethod
    def collected(vectors, rank):
        net = torch.nn.Linear(len(vectors[0]), 1, bias=False).double()
        g = swag.Swag(net, rank)
        for v in vectors:
            with torch.no_grad():
                net.weight.copy_(torch.tensor([v], dtype=torch.float64))
            g.collect(net)
        return g

    def test_moments_and_deviations_by_hand(self):
        # t1 = (1, 2), t2 = (3, 0), t3 = (2, 4), t4 = (6, 2)
        # running means: (1, 2), (2, 1), (2, 2), (3, 2); deviations t_i - mean_i: (0, 0), (1, -1), (0, 2), (3, 0)
        # mean (3, 2); second moment ((1 + 9 + 4 + 36) / 4, (4 + 0 + 16 + 4) / 4) = (12.5, 6); var = (3.5, 2)
        g = self.collected([[1.0, 2.0], [3.0, 0.0], [2.0, 4.0], [6.0, 2.0]], rank=3)
        self.assertEqual(g.count, 4)
        self.assertEqual(g.mean().tolist(), [3.0, 2.0])
        self.assertEqual(g.variance().tolist(), [3.5, 2.0])
        self.assertEqual(g.deviation_matrix().tolist(), [[1.0, -1.0], [0.0, 2.0], [3.0, 0.0]])  # the last K = 3
        # Sigma = 1/2 (diag(3.5, 2) + D^T D / 2), D^T D = [[10, -1], [-1, 5]]
        self.assertTrue(torch.allclose(g.covariance(), torch.tensor([[4.25, -0.25], [-0.25, 2.25]], dtype=torch.float64)))

    def test_diagonal_form_keeps_no_deviations_and_the_floor_holds_still_weights(self):
        g = self.collected([[1.0, 5.0], [3.0, 5.0]], rank=0)
        self.assertEqual(g.deviation_matrix().shape, (0, 2))
        self.assertEqual(g.variance().tolist(), [1.0, 1e-30])
        self.assertTrue(torch.equal(g.covariance(), torch.diag(torch.tensor([0.5, 0.5e-30], dtype=torch.float64))))

    def test_variance_keeps_its_digits_far_from_zero(self):
        # weights near 1e4 that move by 1e-3: the second moment minus the mean squared would cancel
        base = 1e4
        g = self.collected([[base + 1e-3], [base - 1e-3], [base + 1e-3], [base - 1e-3]], rank=0)
        self.assertAlmostEqual(float(g.variance()[0]), 1e-6, delta=1e-12)  # sq - mean^2: off by 1.6e-9

    def test_scale_zero_gives_the_mean_and_samples_are_seeded(self):
        g = self.collected([[1.0, 2.0], [3.0, 0.0], [2.0, 4.0]], rank=20)
        self.assertTrue(torch.equal(g.sample(torch.Generator().manual_seed(1), 0.0), g.mean()))
        a = g.sample(torch.Generator().manual_seed(7), 0.5)
        self.assertTrue(torch.equal(a, g.sample(torch.Generator().manual_seed(7), 0.5)))
        self.assertFalse(torch.equal(a, g.sample(torch.Generator().manual_seed(8), 0.5)))

    def test_sample_covariance_matches_sigma(self):
        # three weights, six iterates, K = 4 deviations held: Sigma = 1/2 (diag(var) + D^T D / 3)
        g = self.collected([[0.0, 1.0, 2.0], [1.0, 0.5, 2.5], [0.5, 2.0, 1.0], [2.0, 1.5, 3.0], [1.0, 0.0, 2.0],
                            [0.0, 2.5, 1.5]], rank=4)
        sigma = g.covariance().numpy()
        n = 50_000
        rng = torch.Generator().manual_seed(2019)
        draws = torch.stack([g.sample(rng, 0.5) for _ in range(n)]).numpy()
        mean = draws.mean(axis=0)
        cov = np.cov(draws, rowvar=False)
        # Gaussian draws: the standard error of a sample covariance entry is sqrt((S_ij^2 + S_ii S_jj) / n), of a
        # mean entry sqrt(S_ii / n); allow 5 of them (a false failure: probability about 6e-7 per entry)
        se_cov = np.sqrt((sigma ** 2 + np.outer(np.diag(sigma), np.diag(sigma))) / n)
        self.assertTrue((np.abs(cov - sigma) <= 5 * se_cov).all(), f"{cov} vs {sigma} (se {se_cov})")
        self.assertTrue((np.abs(mean - g.mean().numpy()) <= 5 * np.sqrt(np.diag(sigma) / n)).all())
        # scale 1 doubles the covariance (the form SWAG-Diagonal is sampled at in the paper)
        twice = np.cov(torch.stack([g.sample(rng, 1.0) for _ in range(n)]).numpy(), rowvar=False)
        self.assertTrue((np.abs(twice - 2 * sigma) <= 5 * 2 * se_cov).all(), f"{twice} vs {2 * sigma}")

    def test_bad_input_is_refused_by_value(self):
        net = torch.nn.Linear(2, 1, bias=False)
        with self.assertRaisesRegex(ValueError, "rank K = 1"):
            swag.Swag(net, 1)
        g = swag.Swag(net, 2)
        with self.assertRaisesRegex(ValueError, "nothing collected"):
            g.sample(torch.Generator(), 0.5)
        with torch.no_grad():
            net.weight[0, 1] = float("nan")
        with self.assertRaisesRegex(ValueError, "NaN"):
            g.collect(net)
        self.assertEqual(g.count, 0)
        with self.assertRaisesRegex(ValueError, "scale -1"):
            self.collected([[1.0]], 2).sample(torch.Generator(), -1)

    def test_model_average_is_the_mean_of_the_samples_predictions(self):
        torch.manual_seed(3)
        net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Softmax(dim=1))
        g = swag.Swag(net, 2)
        for _ in range(3):
            with torch.no_grad():
                for q in net.parameters():
                    q.add_(0.1 * torch.randn_like(q))
            g.collect(net)
        x = torch.randn(5, 3)
        calls = []
        probabilities = lambda m: m(x).double().detach().numpy()
        average = swag.bayesian_average(g, net, [11, 12, 13], 0.5, lambda m, s: calls.append(s), probabilities)
        self.assertEqual(calls, [0, 1, 2])
        one_by_one = []
        for seed in (11, 12, 13):
            w = g.sample(torch.Generator().manual_seed(seed), 0.5)
            with torch.no_grad():
                torch.nn.utils.vector_to_parameters(w.float(), net.parameters())
            one_by_one.append(probabilities(net))
        self.assertTrue(np.allclose(average, sum(one_by_one) / 3, rtol=0, atol=1e-12))

    def test_multiswag_pools_the_next_seeds_cyclically(self):
        self.assertEqual(swag.multiswag_members(1, 4, 3), [1, 2, 3])
        self.assertEqual(swag.multiswag_members(3, 4, 3), [3, 4, 1])
        self.assertEqual(swag.multiswag_members(4, 4, 3), [4, 1, 2])
        with self.assertRaisesRegex(ValueError, "M <= seeds = 2"):
            swag.multiswag_members(1, 2, 3)
        a = np.array([[0.5, 0.5], [0.9, 0.1]])
        b = np.array([[0.2, 0.8], [0.6, 0.4]])
        c = np.array([[0.8, 0.2], [0.0, 1.0]])
        self.assertTrue(np.allclose(swag.multiswag([a, b, c]), [[0.5, 0.5], [0.5, 0.5]], rtol=0, atol=1e-15))
        self.assertTrue(np.allclose(swag.multiswag([a, b]), [[0.35, 0.65], [0.75, 0.25]], rtol=0, atol=1e-15))
        with self.assertRaisesRegex(ValueError, "different shapes"):
            swag.multiswag([a, a[:1]])

    def test_sample_seeds_are_javas_next_longs(self):
        # java.util.SplittableRandom(0x5A6B0000 + 1).nextLong(), twice, from the SplitMix64 definition:
        # state += 0x9E3779B97F4A7C15; mix64(state)
        state = 0x5A6B0000 + 1
        expected = []
        for _ in range(2):
            state = (state + 0x9E3779B97F4A7C15) % (1 << 64)
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % (1 << 64)
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % (1 << 64)
            expected.append(z ^ (z >> 31))
        self.assertEqual(protocol.swag_sample_seeds(1, 2), expected)


class SwagPresetTest(unittest.TestCase):
    BLOCK = {"rank": 20, "scale": 0.5, "samples": 30, "multiswag_models": 3, "budgets": None}

    def quick_with(self, methods, block):
        raw = json.loads((presets.PRESET_DIR / "quick.json").read_text())
        raw["methods"] = methods
        if block is not None:
            raw["swag"] = block
        return presets.normalised(raw, "test")

    def test_block_is_read_when_present_and_ignored_when_absent(self):
        self.assertIsNone(presets.load("quick")["swag"])
        p = self.quick_with(["sgd", "swa", "swag", "multiswag"], dict(self.BLOCK))
        self.assertEqual(p["swag"], self.BLOCK)
        self.assertEqual(presets.problems(p), [])
        self.assertEqual(presets.swag_budgets(p), [1.5])  # null: the largest of swa.budgets
        q = self.quick_with(["swa", "swag"], dict(self.BLOCK, budgets=[1.25, 1]))
        self.assertEqual((presets.swag_budgets(q), presets.problems(q)), ([1.0, 1.25], []))

    def test_absent_block_and_absent_keys_take_swa4js_defaults(self):
        p = self.quick_with(["swa", "swag", "multiswag"], None)
        self.assertEqual((presets.problems(p), presets.swag_options(p)), ([], self.BLOCK))
        partial = self.quick_with(["swa", "swag"], {"rank": 0, "scale": 1.0})
        self.assertEqual(partial["swag"], dict(self.BLOCK, rank=0, scale=1.0))

    def test_bad_blocks_are_refused_by_value(self):
        bad = self.quick_with(["swa", "swag", "multiswag"], {"rank": 1, "scale": -0.5, "samples": 0, "multiswag_models": 20,
                                                             "budgets": [0.5, 1.5, 1.5]})
        text = " ".join(presets.problems(bad))
        for part in ("swag.rank = 1", "swag.scale = -0.5", "swag.samples = 0", "swag.multiswag_models = 20; must be in [2, seeds",
                     "swag.budgets contains 0.5; each must be one of swa.budgets [1.0, 1.25, 1.5]", "swag.budgets lists 1.5 twice"):
            self.assertIn(part, text)
        self.assertIn("swag.multiswag_models = 1", " ".join(presets.problems(
            self.quick_with(["swa", "swag", "multiswag"], dict(self.BLOCK, multiswag_models=1)))))
        self.assertIn("list swa too", " ".join(presets.problems(self.quick_with(["sgd", "swag"], dict(self.BLOCK)))))
        self.assertIn("list swag too", " ".join(presets.problems(self.quick_with(["swa", "multiswag"], dict(self.BLOCK)))))
        with self.assertRaisesRegex(presets.PresetError, "swag.temperature"):
            self.quick_with(["swa", "swag"], dict(self.BLOCK, temperature=1))


class EndToEndTest(unittest.TestCase):
    def test_tiny_run_is_deterministic_and_complete(self):
        p = presets.with_budget(presets.load("quick"), 3)
        p["model"], p["train_limit"], p["test_limit"], p["batch_size"] = "cnn2", 256, 100, 64
        data_set = data.open_dataset(p["dataset"], None, 256, 100)
        outcomes = []
        for _ in range(2):
            run = protocol.SeedRun(p, data_set, 1, lambda line: None)
            outcomes.append(protocol.run_seed(run))
        strip = lambda o: {m: (s, d, [{k: v for k, v in r.items() if k != "seconds"} for r in rows], res)
                           for m, (s, d, rows, res) in o.items()}
        self.assertEqual(strip(outcomes[0]), strip(outcomes[1]))
        out = outcomes[0]
        self.assertEqual(sorted(out), ["ema", "fge", "sgd", "swa"])
        self.assertEqual([r["budget"] for r in out["swa"][3]], [1.0, 1.25, 1.5])
        self.assertEqual([r["epochs"] for r in out["swa"][3]], [3, 4, 5])
        self.assertEqual([r["epoch"] for r in out["fge"][2]], [3])
        # SWA's first epochs share SGD's initialisation, batches and rates: the same training losses
        self.assertEqual(out["swa"][2][0]["train_loss"], out["sgd"][2][0]["train_loss"])


def tiny_swag_preset(methods, block):
    """quick scaled to B = 3 (swa.start 3, the SWA run to 5 epochs) on 256 / 100 images with cnn2."""
    raw = json.loads((presets.PRESET_DIR / "quick.json").read_text())
    raw.update(model="cnn2", train_limit=256, test_limit=100, batch_size=64, methods=methods, swag=block, seeds=2,
               layers=None)
    return presets.with_budget(presets.normalised(raw, "test"), 3)


class StopAfter(records.SeedCheckpoint):
    """A checkpoint whose run is stopped (Stopped raised) right after its `saves`-th save."""

    class Stopped(Exception):
        pass

    def __init__(self, path, preset, seed, saves):
        super().__init__(path, preset, seed)
        self.left = saves

    def save(self, job, value):
        super().save(job, value)
        self.left -= 1
        if self.left == 0:
            raise StopAfter.Stopped()


class ResumeTest(unittest.TestCase):
    BLOCK = {"rank": 2, "scale": 0.5, "samples": 2, "budgets": None}

    def test_a_seed_stopped_after_any_epoch_resumes_to_the_records_of_an_unstopped_one(self):
        p = tiny_swag_preset(["sgd", "ema", "fge", "swa", "swag"], self.BLOCK)
        data_set = data.open_dataset(p["dataset"], None, 256, 100)
        strip = lambda o: {m: (s, d, [{k: v for k, v in r.items() if k != "seconds"} for r in rows], res)
                           for m, (s, d, rows, res) in o.items()}
        reference = protocol.SeedRun(p, data_set, 1, lambda line: None)
        expected = strip(protocol.run_seed(reference))
        # sgd: 3 epochs + its outcome; fge: epoch 3 + outcome; swa: 5 epochs + outcome
        saves = 4 + 2 + 6
        with tempfile.TemporaryDirectory() as tmp:
            whole = protocol.SeedRun(p, data_set, 1, lambda line: None)
            whole.checkpoint = StopAfter(Path(tmp) / "whole.pt", p, 1, saves + 1)
            self.assertEqual(strip(protocol.run_seed(whole)), expected)
            self.assertEqual(whole.checkpoint.left, 1, "a save after every epoch of every job and after each job")
            for stop in range(1, saves + 1):
                path = Path(tmp) / f"stop{stop}.pt"
                first = protocol.SeedRun(p, data_set, 1, lambda line: None)
                first.checkpoint = StopAfter(path, p, 1, stop)
                with self.assertRaises(StopAfter.Stopped):
                    protocol.run_seed(first)
                lines = []
                second = protocol.SeedRun(p, data_set, 1, lines.append)
                second.checkpoint = records.SeedCheckpoint(path, p, 1)
                self.assertEqual(strip(protocol.run_seed(second)), expected, f"stopped after save {stop}")
                self.assertEqual(sorted(second.bma), sorted(reference.bma))
                for b, probabilities in reference.bma.items():
                    np.testing.assert_array_equal(second.bma[b], probabilities)
                resumed = [line for line in lines if "resumed after epoch" in line]
                self.assertEqual(len(resumed), 0 if stop in (4, 6, 12) else 1, f"stopped after save {stop}: {lines}")

    def test_a_checkpoint_of_another_run_is_refused_by_name(self):
        p = tiny_swag_preset(["sgd", "swa", "swag"], self.BLOCK)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "seed1.pt"
            records.SeedCheckpoint(path, p, 1).save("sgd", {"state": {}})
            other = dict(p, lr_init=0.2)
            with self.assertRaisesRegex(ValueError, r"seed1\.pt is the checkpoint of another run .*preset\.lr_init"):
                records.SeedCheckpoint(path, other, 1)
            with self.assertRaisesRegex(ValueError, r"differs in \['seed'\]"):
                records.SeedCheckpoint(path, p, 2)
            self.assertEqual(records.SeedCheckpoint(path, dict(p, seeds=9), 1).resumed("sgd"), {"state": {}})
            path.write_bytes(b"not a checkpoint")
            with self.assertRaisesRegex(ValueError, r"seed1\.pt: not a readable checkpoint"):
                records.SeedCheckpoint(path, p, 1)


class DeviceTest(unittest.TestCase):
    def test_device_names_are_checked_and_named_in_the_error(self):
        self.assertEqual(parity.open_device("cpu"), torch.device("cpu"))
        with self.assertRaisesRegex(ValueError, r"--device 'tpu' is not a device name"):
            parity.open_device("tpu")
        with self.assertRaisesRegex(ValueError, r"--device 'meta': the peer runs on cpu or cuda, not meta"):
            parity.open_device("meta")

    @unittest.skipIf(torch.cuda.is_available(), "this machine has a CUDA device")
    def test_cuda_without_a_device_is_refused(self):
        with self.assertRaisesRegex(ValueError, r"--device 'cuda:1': this torch .* sees no CUDA device"):
            parity.open_device("cuda:1")

    def test_an_option_error_is_listed_before_anything_runs(self):
        with tempfile.TemporaryDirectory() as tmp:
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                rc = parity.main(["--preset", "quick", "--device", "tpu", "--out", tmp])
            self.assertEqual(rc, 2)
            self.assertIn("--device 'tpu'", err.getvalue())
            self.assertEqual(list(Path(tmp).iterdir()), [], "nothing written")

    def test_the_record_names_the_device(self):
        self.assertIn("PyTorch " + torch.__version__ + " CPU (", records.provenance(2, "t0", "t1", "cpu")["backend"])

    def test_swag_keeps_its_moments_on_the_network_s_device_and_loads_onto_it(self):
        net = torch.nn.Linear(3, 2)
        g = swag.Swag(net, 2)
        for w in (0.0, 1.0, 3.0):
            with torch.no_grad():
                for q in net.parameters():
                    q.fill_(w)
            g.collect(net)
        self.assertEqual({t.device for t in [g.sum, g.m2] + g.deviations}, {torch.device("cpu")})
        h = swag.Swag(net, 2)
        h.load(g.state())
        torch.testing.assert_close(h.sample(torch.Generator().manual_seed(7), 0.5),
                                   g.sample(torch.Generator().manual_seed(7), 0.5), rtol=0, atol=0)


class RecordsTest(unittest.TestCase):
    def test_a_preset_without_a_swag_block_is_written_without_the_key(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = records.ResultsDirectory(tmp)
            plain = presets.load("quick")
            out.write_run_options(plain, None, 1, "0/1", "test")
            out.write_record("swa", 1, "finished", None, plain, {}, [], [])
            self.assertNotIn("swag", json.loads((Path(tmp) / "run.json").read_text())["preset"])
            self.assertNotIn("swag", out.record("swa", 1)["preset"])
            block = {"rank": 20, "scale": 0.5, "samples": 30, "multiswag_models": 3, "budgets": None}
            with_block = tiny_swag_preset(["swa", "swag"], block)
            out.write_record("swag", 1, "finished", None, with_block, {}, [], [])
            self.assertEqual(out.record("swag", 1)["preset"]["swag"], block)


class SwagEndToEndTest(unittest.TestCase):
    def test_swag_at_scale_zero_is_the_swa_solution(self):
        # one draw at scale 0 is the mean, BatchNorm-updated on pass e as SWA's evaluation after epoch e
        p = tiny_swag_preset(["swa", "swag"], {"rank": 2, "scale": 0.0, "samples": 1, "budgets": [1.0, 1.5]})
        run = protocol.SeedRun(p, data.open_dataset(p["dataset"], None, 256, 100), 1, lambda line: None)
        out = protocol.run_seed(run)
        swa, swag_results = out["swa"][3], out["swag"][3]
        self.assertEqual([(r["budget"], r["epochs"]) for r in swag_results], [(1.0, 3), (1.5, 5)])
        self.assertEqual(sorted(run.bma), [1.0, 1.5])
        for g in swag_results:
            a = next(r for r in swa if r["budget"] == g["budget"])
            self.assertEqual(g["accuracy"], a["accuracy"])
            self.assertAlmostEqual(g["nll"], a["nll"], delta=1e-4)  # float64 mean vs float32 running average
            self.assertEqual(sum(g["reliability"]["count"]), 100)
        rows = out["swag"][2]
        self.assertEqual([r["epoch"] for r in rows if r["test_accuracy"] is not None], [3, 5])
        self.assertEqual([r["train_loss"] for r in rows], [r["train_loss"] for r in out["swa"][2]])

    def test_shards_pool_multiswag_when_every_seed_has_run(self):
        block = {"rank": 2, "scale": 0.5, "samples": 2, "multiswag_models": 2, "budgets": None}
        raw = json.loads((presets.PRESET_DIR / "quick.json").read_text())
        raw.update(model="cnn2", train_limit=256, test_limit=100, batch_size=64, layers=None,
                   methods=["sgd", "swa", "swag", "multiswag"], swag=block)
        with tempfile.TemporaryDirectory() as tmp:
            preset_file = Path(tmp) / "tiny.json"
            preset_file.write_text(json.dumps(raw))
            out = Path(tmp) / "out"
            common = ["--preset", str(preset_file), "--epochs", "3", "--seeds", "2", "--out", str(out), "--threads", "1"]
            self.assertEqual(parity.main(common + ["--shard", "0/2"]), 0)
            self.assertTrue((out / "runs/swag-seed1.json").is_file())
            self.assertFalse((out / "runs/multiswag-seed1.json").exists(), "seed 2 has not run yet")
            self.assertEqual(parity.main(common + ["--shard", "1/2"]), 0)
            pooled = {k: json.loads((out / f"runs/multiswag-seed{k}.json").read_text()) for k in (1, 2)}
            # by hand from the kept files: both seeds pool seeds 1 and 2 (M = 2, cyclic), at budget 1.5 (epoch 5)
            kept = [np.load(out / f"bma/swag-seed{k}-budget1.5.npz") for k in (1, 2)]
            mean = (kept[0]["probabilities"] + kept[1]["probabilities"]) / 2
            accuracy = 100.0 * float(np.mean(mean.argmax(axis=1) == kept[0]["labels"]))
            for k in (1, 2):
                r = pooled[k]
                self.assertEqual((r["method"], r["seed"], r["status"], r["epochs"]), ("multiswag", k, "finished", []))
                self.assertEqual([(x["budget"], x["epochs"]) for x in r["results"]], [(1.5, 5)])
                self.assertAlmostEqual(r["results"][0]["accuracy"], accuracy, places=9)
                self.assertEqual(len(r["results"][0]["reliability"]["confidence"]), 15)
            swag1 = json.loads((out / "runs/swag-seed1.json").read_text())
            single = 100.0 * float(np.mean(kept[0]["probabilities"].argmax(axis=1) == kept[0]["labels"]))
            self.assertAlmostEqual(swag1["results"][0]["accuracy"], single, places=9)
            for k in (1, 2):
                (out / f"runs/multiswag-seed{k}.json").unlink()
            self.assertEqual(parity.main(["--multiswag-only", "--out", str(out)]), 0)
            again = json.loads((out / "runs/multiswag-seed2.json").read_text())
            self.assertEqual(again["results"], pooled[2]["results"])


class TraceTest(unittest.TestCase):
    """`parity.py --trace`: swa4j's traces (fixtures/, written by `bin/swa trace`) repeated in PyTorch."""

    FIXTURES = Path(__file__).resolve().parent / "fixtures"

    def test_every_swa4j_tensor_has_exactly_one_counterpart_of_its_shape(self):
        # fixtures/swa4j-tensors.json: the tensor index of `bin/swa trace` for each model (fused layers)
        index = json.loads((self.FIXTURES / "swa4j-tensors.json").read_text())
        for name in ("cnn8", "preresnet20", "preresnet56"):
            model = models.build(name, 1, 10, 0)
            own = {k: tuple(v.shape) for k, v in model.state_dict().items()}
            mapped = {trace.torch_name(name, layer, key): tuple(shape) for layer, key, shape in index[name]}
            self.assertEqual(len(mapped), len(index[name]), f"{name}: two swa4j tensors map onto one")
            self.assertEqual(mapped, own, name)

    def test_unknown_layers_and_keys_are_refused_by_name(self):
        for model, layer, key, words in [("preresnet20", "stage1.block4.conv1", "W", "stage1.block4.conv1"),
                                          ("preresnet20", "stage1.block1.pre1.bn", "W", "not a BatchNorm parameter"),
                                          ("cnn8", "stage4.unit1.conv", "W", "stage4.unit1.conv"),
                                          ("wrn16x4", "stem.conv", "W", "wrn16x4")]:
            with self.assertRaises(trace.TraceError) as e:
                trace.torch_name(model, layer, key)
            self.assertIn(words, str(e.exception))

    def test_a_double_precision_swa4j_trace_is_pytorch_s_run_to_the_last_digits(self):
        # fixtures/trace-tiny-double: `bin/swa trace --preset swa-experiments/src/test/resources/presets/tiny.json
        # --steps 3 --precision double`: cnn4 (fused layers), 192 images of the embedded set, batch 32
        with tempfile.TemporaryDirectory() as tmp:
            for f in self.FIXTURES.joinpath("trace-tiny-double").iterdir():
                (Path(tmp) / f.name).write_bytes(f.read_bytes())
            with contextlib.redirect_stdout(io.StringIO()):
                r = trace.replay(tmp)
            self.assertTrue(r["first_step_agrees"])
            self.assertEqual((r["precision"], r["steps"], r["tensors"]), ("double", 3, 32))
            for row in r["losses"]:  # float64 on both sides from the same weights and batches
                self.assertLess(row["relative"], 1e-12, row)
            # the changes are compared after float32 storage of the weights: 6e-8 of |w| against |change|
            self.assertLess(r["first_step_worst"]["relative"], 1e-3)
            self.assertLess(r["final_drift_median"], 1e-4)
            self.assertLess(r["evaluation"]["max_probability_difference"], 1e-9)  # inference mode, running statistics
            self.assertAlmostEqual(r["evaluation"]["nll_pytorch"], r["evaluation"]["nll_swa4j"], places=9)
            self.assertTrue((Path(tmp) / "pytorch.json").is_file())
            init = r["initialisation"]  # swa4j's draw of seed 1 against the peer's own: same rules, independent draws
            self.assertTrue(init["agrees"], init["smallest"])
            self.assertEqual((init["random_tensors"], init["constant_differs"]), (7, []))

    def test_the_ks_test_is_the_textbook_one(self):
        # D by counting from the definition; p = Q_KS(lambda) with Q_KS(x) = 2 sum (-1)^(k-1) exp(-2 k^2 x^2)
        a = np.array([0.1, 0.4, 0.7, 0.9])
        b = np.array([0.2, 0.3, 0.5, 0.6, 0.8])
        grid = np.concatenate([a, b])
        d_hand = max(abs(np.mean(a <= t) - np.mean(b <= t)) for t in grid)
        self.assertAlmostEqual(trace.ks_two_sample(a, b)[0], d_hand, places=15)
        rng = np.random.default_rng(5)
        x, y = rng.normal(size=400), rng.normal(0.3, 1.0, size=300)
        d, p = trace.ks_two_sample(x, y)
        root = math.sqrt(400 * 300 / 700)
        lam = (root + 0.12 + 0.11 / root) * d
        q = 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 200))
        self.assertAlmostEqual(p, q, places=12)
        self.assertLess(p, 1e-4)  # a shift of 0.3 standard deviations in 400 and 300 values
        try:
            from scipy import stats
        except ImportError:
            return
        self.assertAlmostEqual(d, stats.ks_2samp(x, y).statistic, places=15)

    def test_a_different_initial_distribution_is_found(self):
        same = {k: v.detach().numpy().copy() for k, v in models.build("preresnet20", 1, 10, 2).state_dict().items()}
        own = {k: v.detach().numpy().copy() for k, v in models.build("preresnet20", 1, 10, 3).state_dict().items()}
        r = trace.compare_initialisation(same, own)
        self.assertTrue(r["agrees"], r["smallest"])
        self.assertEqual(r["random_tensors"], 22)  # 19 convolutions, the dense weight ... and no other drawn tensor
        # what the KS test can see: a standard deviation 10% off in a 36,864-value convolution, and a variance twice
        # the rule's (a fan-in for fan-out mistake at a stage boundary) in the 640-value dense weight
        for tensor, factor in (("blocks.7.conv2.weight", 1.1), ("fc.weight", math.sqrt(2))):
            r = trace.compare_initialisation(dict(same, **{tensor: same[tensor] * factor}), own)
            self.assertFalse(r["agrees"], tensor)
            self.assertEqual(r["smallest"]["tensor"], tensor)
        gamma = dict(same, **{"blocks.0.bn1.weight": same["blocks.0.bn1.weight"] * 0.5})
        r = trace.compare_initialisation(gamma, own)
        self.assertFalse(r["agrees"])
        self.assertEqual(r["constant_differs"], [{"tensor": "blocks.0.bn1.weight", "swa4j": 0.5, "pytorch": 1.0}])

    def test_damaged_traces_are_refused_naming_the_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            for f in self.FIXTURES.joinpath("trace-tiny-double").iterdir():
                (Path(tmp) / f.name).write_bytes(f.read_bytes())
            step1 = Path(tmp) / "step1.f32"
            step1.write_bytes(step1.read_bytes()[:-4])
            with self.assertRaises(trace.TraceError) as e:
                trace.read(tmp)
            self.assertIn(str(step1), str(e.exception))
            self.assertIn("4894", str(e.exception))
            index = json.loads((Path(tmp) / "trace.json").read_text())
            index["format"] = 2
            (Path(tmp) / "trace.json").write_text(json.dumps(index))
            with self.assertRaises(trace.TraceError) as e:
                trace.read(tmp)
            self.assertIn("format 2", str(e.exception))


if __name__ == "__main__":
    unittest.main()
