package org.swa4j.experiments;

/** Entry point of the {@code swa} command-line tool. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("swa4j: not yet implemented");
    }
}
