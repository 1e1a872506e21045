package org.swa4j.models.layers;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Copies every field of a stock DL4J layer configuration into an instance of a subclass, so that
 * a swa4j layer carries exactly the settings (init, updater, regularisation, shapes) the stock
 * builder produced, and serialises them the same way.
 */
public final class StockConfigCopy {

    private StockConfigCopy() {
    }

    /**
     * Copies the fields of {@code stockType} and its superclasses from {@code stock} to {@code target}.
     * {@code stock} must be a {@code stockType} or a subclass that declares no instance fields of its
     * own (so that nothing is left behind); anything else is rejected.
     */
    public static <S, T extends S> T copy(S stock, Class<S> stockType, T target) {
        for (Class<?> c = stock.getClass(); c != stockType; c = c.getSuperclass()) {
            if (c == Object.class || declaresInstanceFields(c)) {
                throw new IllegalArgumentException("expected a " + stockType.getName() + ", got " + stock.getClass().getName());
            }
        }
        for (Class<?> c = stockType; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                try {
                    f.set(target, f.get(stock));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot copy field " + f, e);
                }
            }
        }
        return target;
    }

    private static boolean declaresInstanceFields(Class<?> c) {
        for (Field f : c.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
                return true;
            }
        }
        return false;
    }
}
