package io.lambdahat.dynamics;

/**
 * What loss and λ̂ did across a stage. A and B are the two types named in the developmental-interpretability
 * literature (docs/SCIENCE.md §4); the others spell out the remaining combinations so every stage has a name.
 */
public enum StageType {
    /** Loss decreases, λ̂ increases: the model gains structure. */
    A("loss ↓, λ̂ ↑: the model gains structure"),
    /** Loss roughly flat, λ̂ decreases: the model simplifies. */
    B("loss ≈, λ̂ ↓: the model simplifies"),
    /** Loss decreases, λ̂ decreases: the model learns while simplifying. */
    LOSS_DOWN_LLC_DOWN("loss ↓, λ̂ ↓: learns while simplifying"),
    /** Loss decreases, λ̂ roughly flat: the model learns at constant complexity. */
    LOSS_DOWN_LLC_FLAT("loss ↓, λ̂ ≈: learns at constant complexity"),
    /** Loss roughly flat, λ̂ increases: complexity grows without a loss change. */
    LOSS_FLAT_LLC_UP("loss ≈, λ̂ ↑: complexity grows without a loss change"),
    /** Loss and λ̂ roughly flat: stationary. */
    LOSS_FLAT_LLC_FLAT("loss ≈, λ̂ ≈: stationary"),
    /** Loss increases, λ̂ increases. */
    LOSS_UP_LLC_UP("loss ↑, λ̂ ↑"),
    /** Loss increases, λ̂ roughly flat. */
    LOSS_UP_LLC_FLAT("loss ↑, λ̂ ≈"),
    /** Loss increases, λ̂ decreases. */
    LOSS_UP_LLC_DOWN("loss ↑, λ̂ ↓");

    private final String description;

    StageType(String description) {
        this.description = description;
    }

    /** {@return a one-line description with arrows, for reports} */
    public String description() {
        return description;
    }

    /**
     * The type of a stage from how its loss and λ̂ moved.
     *
     * @param loss the direction of the loss across the stage
     * @param llc  the direction of λ̂ across the stage
     * @return the type; every combination has one
     */
    public static StageType of(Direction loss, Direction llc) {
        return switch (loss) {
            case DOWN -> switch (llc) {
                case UP -> A;
                case FLAT -> LOSS_DOWN_LLC_FLAT;
                case DOWN -> LOSS_DOWN_LLC_DOWN;
            };
            case FLAT -> switch (llc) {
                case UP -> LOSS_FLAT_LLC_UP;
                case FLAT -> LOSS_FLAT_LLC_FLAT;
                case DOWN -> B;
            };
            case UP -> switch (llc) {
                case UP -> LOSS_UP_LLC_UP;
                case FLAT -> LOSS_UP_LLC_FLAT;
                case DOWN -> LOSS_UP_LLC_DOWN;
            };
        };
    }
}
