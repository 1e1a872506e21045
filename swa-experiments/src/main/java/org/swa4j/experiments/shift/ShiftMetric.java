package org.swa4j.experiments.shift;

/** The three metrics {@code swa shift} reports, with their names in files and on figures. */
public enum ShiftMetric {
    ACCURACY("acc", "accuracy", "test accuracy (%)"),
    NLL("nll", "nll", "test NLL (nats)"),
    ECE("ece", "ece", "ECE (%, 15 bins)");

    private final String column;
    private final String file;
    private final String axis;

    ShiftMetric(String column, String file, String axis) {
        this.column = column;
        this.file = file;
        this.axis = axis;
    }

    /** The prefix of its columns in {@code shift-summary.csv}. */
    public String column() {
        return column;
    }

    /** The stem of its figure files. */
    public String file() {
        return file;
    }

    /** The axis title of its figures. */
    public String axis() {
        return axis;
    }
}
