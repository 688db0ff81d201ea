package cn.xinan.launcher.provision;

import cn.xinan.provisioning.DeviceHistory;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.provisioning.SchoolRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code xinan provision show}: what the registry holds. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Lists the district's schools, rooms and devices with their history.")
final class ShowCommand implements Callable<Integer> {
    @Mixin
    DistrictOptions district;

    @Override
    public Integer call() {
        Registry r = district.open().registry();
        for (SchoolRecord s : r.schools()) {
            System.out.println(s.county() + " · " + s.name() + " (" + s.schoolId() + ")");
            for (RoomRecord room : r.rooms()) {
                if (!room.school().equals(s.schoolId())) {
                    continue;
                }
                System.out.println("  " + room.roomId() + "  " + room.tier().chineseName() + "  " + room.name());
                for (DeviceHistory d : r.histories()) {
                    if (d.rooms().stream().anyMatch(a -> a.roomId().equals(room.roomId()))) {
                        System.out.println("    " + d.deviceId() + (d.retired() ? "  retired " + d.retiredAt().get() : "")
                                + "  keys " + d.keys().size() + ", rooms " + d.rooms().stream()
                                .map(a -> a.roomId() + a.from().map(f -> " from " + f).orElse("")).toList());
                    }
                }
            }
        }
        return 0;
    }
}
