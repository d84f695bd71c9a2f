package dev.arbor.dataset;

import dev.arbor.progress.ProgressListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads the Taobao UserBehavior CSV ({@code user_id,item_id,category_id,behavior_type,timestamp}, no header), the
 * data set of the TDM, JTM and OTM papers. Categories are the numeric {@code category_id}s; rows whose behaviour
 * is not in {@link ReadOptions#behaviours()} are dropped after they are checked.
 */
public final class TaobaoReader {

    private static final Behaviour[] BEHAVIOURS = Behaviour.values();

    private TaobaoReader() {
    }

    /** {@link #read(Path, ReadOptions, ProgressListener)} reporting nothing. */
    public static InteractionLog read(Path csv, ReadOptions options) throws IOException {
        return read(csv, options, ProgressListener.SILENT);
    }

    /** Reads one UserBehavior CSV file (plain or gzip); its progress and skipped lines go to {@code progress}. */
    public static InteractionLog read(Path csv, ReadOptions options, ProgressListener progress) throws IOException {
        options.check(DataFormat.TAOBAO, false, true);
        InteractionLogBuilder builder = new InteractionLogBuilder(true);
        BadLineBudget budget = new BadLineBudget(options.maxBadLines());
        LineParser.forEachLine(csv, StandardCharsets.UTF_8, budget, progress, p -> {
            p.split(",");
            p.expectFields(5);
            long user = p.longField(0, "user_id");
            long item = p.longField(1, "item_id");
            long category = p.longField(2, "category_id");
            Behaviour behaviour = behaviour(p);
            long timestamp = p.longField(4, "timestamp");
            if (options.behaviours().contains(behaviour)) {
                builder.add(user, item, timestamp);
                builder.category(item, category);
            }
        });
        return builder.build(budget.finish(progress));
    }

    private static Behaviour behaviour(LineParser p) throws DataFormatException {
        for (Behaviour b : BEHAVIOURS) {
            if (p.fieldEquals(3, b.code())) {
                return b;
            }
        }
        throw p.error("field 'behavior_type' is not one of pv, cart, fav, buy: " + LineParser.quote(p.text(3)));
    }
}
