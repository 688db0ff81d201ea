package cn.xinan.launcher.provision;

import cn.xinan.launcher.UserInputException;
import cn.xinan.provisioning.Registry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code xinan provision import}: schools and rooms from CSV into the registry, all or nothing. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Imports schools (school,name,county) and rooms (school,room,tier,name) from UTF-8 CSV files. "
                + "New ones are added, existing ones updated; on any error nothing changes.")
final class ImportCommand implements Callable<Integer> {
    @Mixin
    DistrictOptions district;

    @Option(names = "--schools", paramLabel = "FILE", description = "schools CSV: school,name,county")
    Path schools;

    @Option(names = "--rooms", paramLabel = "FILE", description = "rooms CSV: school,room,tier,name (tier 合格, 示范 or 未评定)")
    Path rooms;

    @Override
    public Integer call() {
        if (schools == null && rooms == null) {
            throw new UserInputException("give --schools FILE, --rooms FILE or both");
        }
        Registry before = district.open().registry();
        Registry after = district.open().importCsv(Optional.ofNullable(schools), Optional.ofNullable(rooms));
        System.out.printf("Imported into %s: %d schools (%d new), %d rooms (%d new).%n", district.dir.resolve("registry"),
                after.schools().size(), after.schools().size() - before.schools().size(),
                after.rooms().size(), after.rooms().size() - before.rooms().size());
        return 0;
    }
}
