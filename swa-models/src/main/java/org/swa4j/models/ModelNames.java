package org.swa4j.models;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.swa4j.models.cnn.SmallCnnSpec;
import org.swa4j.models.preresnet.PreResNetSpec;
import org.swa4j.models.pyramidnet.PyramidNetSpec;
import org.swa4j.models.shakeshake.ShakeShakeSpec;
import org.swa4j.models.vgg.VggSpec;
import org.swa4j.models.wrn.WideResNetSpec;

/**
 * Parses a model name into its spec. Grammar: {@code vgg16}, {@code vgg16bn},
 * {@code preresnet<depth>}, {@code wrn<depth>x<width>}, {@code shakeshake<depth>_2x<width>d},
 * {@code pyramidnet<depth>_a<alpha>}, {@code cnn<width>}.
 *
 * <p>Rejects a name outside the grammar with the list of known names; a name inside the grammar
 * with impossible values is rejected by its spec with the rule it breaks.
 */
public final class ModelNames {

    /** The named instances the project uses (every one is tested). */
    public static final List<String> KNOWN = List.of(
            "vgg16", "vgg16bn",
            "preresnet20", "preresnet56", "preresnet164",
            "wrn16x4", "wrn28x10",
            "shakeshake26_2x32d", "shakeshake26_2x64d",
            "pyramidnet110_a48", "pyramidnet272_a200",
            "cnn8", "cnn16", "cnn32");

    /** The grammar, for error messages. */
    public static final String GRAMMAR = "vgg16, vgg16bn, preresnet<depth>, wrn<depth>x<width>, "
            + "shakeshake<depth>_2x<width>d, pyramidnet<depth>_a<alpha>, cnn<width>";

    private static final Pattern CNN = Pattern.compile("cnn(\\d{1,6})");
    private static final Pattern PRERESNET = Pattern.compile("preresnet(\\d{1,6})");
    private static final Pattern WRN = Pattern.compile("wrn(\\d{1,6})x(\\d{1,6})");
    private static final Pattern SHAKESHAKE = Pattern.compile("shakeshake(\\d{1,6})_2x(\\d{1,6})d");
    private static final Pattern PYRAMIDNET = Pattern.compile("pyramidnet(\\d{1,6})_a(\\d{1,6})");

    private ModelNames() {
    }

    /** The spec that {@code name} denotes, for {@code numClasses} classes and {@code input} images. */
    public static ModelSpec parse(String name, int numClasses, InputShape input) {
        if (name == null) {
            throw new IllegalArgumentException("model name is null; known: " + KNOWN);
        }
        if (name.equals("vgg16") || name.equals("vgg16bn")) {
            return VggSpec.vgg16(name.endsWith("bn"), numClasses, input);
        }
        Matcher m;
        if ((m = CNN.matcher(name)).matches()) {
            return new SmallCnnSpec(Integer.parseInt(m.group(1)), numClasses, input);
        }
        if ((m = PRERESNET.matcher(name)).matches()) {
            return new PreResNetSpec(Integer.parseInt(m.group(1)), numClasses, input);
        }
        if ((m = WRN.matcher(name)).matches()) {
            return new WideResNetSpec(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), numClasses, input);
        }
        if ((m = SHAKESHAKE.matcher(name)).matches()) {
            return new ShakeShakeSpec(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), numClasses, input);
        }
        if ((m = PYRAMIDNET.matcher(name)).matches()) {
            return new PyramidNetSpec(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), numClasses, input);
        }
        throw new IllegalArgumentException("unknown model '" + name + "'; known: " + KNOWN
                + " (grammar: " + GRAMMAR + ")");
    }
}
