package org.swa4j.models.layers.fast;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Copies every field of a stock DL4J layer configuration into an instance of a subclass, so that
 * a native layer carries exactly the settings (init, updater, regularisation, shapes) the stock
 * builder produced, and serialises them the same way.
 */
final class StockConfigCopy {

    private StockConfigCopy() {
    }

    static <S, T extends S> T copy(S stock, Class<S> stockType, T target) {
        if (stock.getClass() != stockType) {
            throw new IllegalArgumentException("expected a " + stockType.getName() + ", got " + stock.getClass().getName());
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
}
