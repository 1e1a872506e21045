package org.swa4j.models.layers;

import java.util.List;

import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * DL4J's {@link BatchNormalization} (same parameters, computation and runtime layer) whose {@code gamma}
 * and {@code beta} take the layer's L2 / weight decay, as every parameter does in the reference code's
 * {@code torch.optim.SGD(model.parameters(), weight_decay=wd)}. DL4J's own BatchNorm returns no
 * regularisation for them, so a network built with it decays only its weights and biases.
 *
 * <p>Which list applies ({@link #forParam}): {@code gamma} takes the layer's weight regularisation
 * ({@code getRegularization()}, set by {@code l2(wd)}), {@code beta} its bias regularisation
 * ({@code getRegularizationBias()}, {@code l2Bias(wd)}), as DL4J splits a layer's weights and biases;
 * the running {@code mean}, {@code var} and {@code log10stdev} take none. The amount is the training
 * code's choice: with nothing set, nothing is decayed.
 */
public class RegularisedBatchNormalization extends BatchNormalization {

    /** For Jackson (deserialisation of saved networks). */
    public RegularisedBatchNormalization() {
    }

    /** A copy of a stock BatchNorm configuration with every setting kept. */
    public static RegularisedBatchNormalization of(BatchNormalization stock) {
        return StockConfigCopy.copy(stock, BatchNormalization.class, new RegularisedBatchNormalization());
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return forParam(this, paramName);
    }

    /**
     * The regularisation of BatchNorm parameter {@code paramName} of {@code layer}: the weights' list
     * for {@code gamma}, the biases' list for {@code beta}, none (null) for anything else.
     */
    public static List<Regularization> forParam(BaseLayer layer, String paramName) {
        return switch (paramName) {
            case "gamma" -> layer.getRegularization();
            case "beta" -> layer.getRegularizationBias();
            default -> null;
        };
    }
}
