"""Tests of the PyTorch peer (parity.py). Run with Debian's PyTorch:

    /usr/bin/python3 -m unittest discover -s benchmarks/pytorch -p 'test_*.py'     (or parity.py --self-test)

The expected values of the data-side streams, the subsets, the normalisation and the schedules were
printed by swa4j's own Java classes (java.util.SplittableRandom, Seeds, EpochOrder, StratifiedSubset,
ChannelNormaliser, PrefetchingBatchIterator, SwaSchedule) for the arguments used here.
"""
import json
import math
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from swa4j_peer import data, javarandom, metrics, models, presets, protocol  # noqa: E402
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
        acc, nll, ece = metrics.prediction_metrics(p, y)
        self.assertEqual(acc, 50.0)
        self.assertAlmostEqual(nll, -(math.log(0.7) + math.log(0.4) + math.log(0.4) + math.log(1e-12)) / 4, places=12)
        # bins (15 over (0, 1]): 0.7 -> bin 10 (hit), 0.5 -> bin 7 (miss), 0.4 -> bin 5 (hit), 1.0 -> bin 14 (miss)
        self.assertAlmostEqual(ece, 100 * (0.3 + 0.5 + 0.6 + 1.0) / 4, places=12)

    def test_first_largest_is_the_prediction(self):
        acc, _, _ = metrics.prediction_metrics(np.array([[0.5, 0.5]]), np.array([0]))
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


if __name__ == "__main__":
    unittest.main()
