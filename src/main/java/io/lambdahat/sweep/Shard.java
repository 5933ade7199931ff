package io.lambdahat.sweep;

import io.lambdahat.InvalidInputException;

import java.util.ArrayList;
import java.util.List;

/**
 * One share {@code I/N} of a trajectory's chosen checkpoints, so that N processes (or Slurm array tasks) estimate λ̂ on
 * one run at once. Shard I takes the checkpoints at positions i (from 0, in step order) with {@code i mod N == I - 1}:
 * the shards are disjoint, together cover every checkpoint, and each spans the whole of training, so a shard's share
 * of the work (late checkpoints cost as much as early ones) is within one checkpoint of every other's.
 *
 * @param index the shard, from 1
 * @param count the number of shards N
 */
public record Shard(int index, int count) {
    /** The whole run as one shard. */
    public static final Shard ALL = new Shard(1, 1);

    /**
     * A shard.
     *
     * @throws InvalidInputException unless 1 ≤ index ≤ count
     */
    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new InvalidInputException("--shard must be I/N with 1 ≤ I ≤ N (e.g. 2/3), got " + index + "/" + count);
        }
    }

    /**
     * Parses {@code I/N}.
     *
     * @param text e.g. {@code 2/3}
     * @return the shard
     * @throws InvalidInputException if the text is not two whole numbers I/N with 1 ≤ I ≤ N
     */
    public static Shard parse(String text) {
        String[] parts = text.trim().split("/", -1);
        if (parts.length == 2) {
            try {
                return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
        }
        throw new InvalidInputException("--shard must be I/N with 1 ≤ I ≤ N (e.g. 2/3), got '" + text + "'");
    }

    /**
     * This shard's share of a list.
     *
     * @param all the whole run's items, in order
     * @param <T> the item type
     * @return the items at positions i with i mod N == I - 1, in order
     */
    public <T> List<T> of(List<T> all) {
        List<T> mine = new ArrayList<>();
        for (int i = index - 1; i < all.size(); i += count) mine.add(all.get(i));
        return mine;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
