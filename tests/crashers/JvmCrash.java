/* SPDX-License-Identifier: GPL-2.0-or-later */
import java.lang.reflect.Field;
import sun.misc.Unsafe;

/* Crashes the JVM with a write to address 0: HotSpot writes hs_err_pid<PID>.log and then
 * aborts, dumping core (tests/kinds.sh). */
public class JvmCrash {
    public static void main(String[] args) throws Exception {
        Field f = Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        Unsafe u = (Unsafe) f.get(null);
        u.putAddress(0, 42);
    }
}
