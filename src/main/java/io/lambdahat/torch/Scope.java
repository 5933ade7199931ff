package io.lambdahat.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * Owns the tensors created on this thread while it is open (the intermediates of one training or sampling
 * step) and frees them all when closed. Scopes nest; a tensor belongs to the innermost open scope of the thread
 * that created it. {@link #keep} hands a result to the enclosing scope, or to the caller when there is none.
 *
 * <pre>{@code
 * try (Scope step = Scope.open()) {
 *     Tensor loss = model.loss(batch);   // every intermediate is owned by step
 *     return step.keep(loss);            // loss survives; the rest are freed here
 * }
 * }</pre>
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<Scope> INNERMOST = new ThreadLocal<>();

    private final Scope parent;
    private final Thread thread;
    private final List<Tensor> owned = new ArrayList<>();
    private boolean closed;

    private Scope(Scope parent) {
        this.parent = parent;
        this.thread = Thread.currentThread();
    }

    /**
     * Opens a scope on this thread, nested in the current innermost one.
     *
     * @return the scope; close it (try-with-resources) to free what it owns
     */
    public static Scope open() {
        Scope scope = new Scope(INNERMOST.get());
        INNERMOST.set(scope);
        return scope;
    }

    static Scope current() {
        return INNERMOST.get();
    }

    void adopt(Tensor t) {
        owned.add(t);
        t.owner = this;
    }

    /**
     * Moves {@code t} out of this scope: to the enclosing scope if any, else to the caller, who must close it.
     *
     * @param t a tensor this scope owns
     * @return {@code t}, for use in a return statement
     * @throws IllegalArgumentException if this scope does not own {@code t}
     */
    public Tensor keep(Tensor t) {
        if (t.owner != this) throw new IllegalArgumentException("tensor is not owned by this scope");
        t.owner = null;
        if (parent != null) parent.adopt(t);
        return t;
    }

    /**
     * Takes {@code t} out of every scope: the caller owns it from now on and must close it.
     *
     * @param t a tensor this scope owns
     * @return {@code t}
     * @throws IllegalArgumentException if this scope does not own {@code t}
     */
    public Tensor release(Tensor t) {
        if (t.owner != this) throw new IllegalArgumentException("tensor is not owned by this scope");
        t.owner = null;
        return t;
    }

    /**
     * Number of tensors this scope still owns (open ones only).
     *
     * @return the count
     */
    public int size() {
        int n = 0;
        for (Tensor t : owned) if (t.owner == this && !t.isClosed()) n++;
        return n;
    }

    /**
     * Frees every tensor this scope still owns, newest first; later calls do nothing.
     *
     * @throws IllegalStateException if called from another thread or while an inner scope is still open
     */
    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != thread) throw new IllegalStateException("a scope must be closed by its own thread");
        if (INNERMOST.get() != this) throw new IllegalStateException("scopes must be closed innermost first");
        closed = true;
        INNERMOST.set(parent);
        for (int i = owned.size() - 1; i >= 0; i--) {
            Tensor t = owned.get(i);
            if (t.owner == this) t.close();
        }
        owned.clear();
    }
}
