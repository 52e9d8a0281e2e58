import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The hashing limit: argon2id hashes per second with Keycloak 26's default parameters (memory
 * 7168 KiB, 5 iterations, parallelism 1, 32-byte hash, 16-byte salt), computed by the same
 * BouncyCastle generator Keycloak's Argon2PasswordHashProvider uses, from the distribution's jar.
 * Usage: java -cp bcprov.jar:. HashRate THREADS SECONDS  (prints: threads hashes seconds cpu_ms_per_hash)
 */
public class HashRate {
    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        double seconds = Double.parseDouble(args[1]);
        byte[] salt = new byte[16];
        char[] password = "Kq3f9a1c2d~Zx417".toCharArray();
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(7168)
                .withIterations(5)
                .withParallelism(1)
                .withSalt(salt)
                .build();
        // Warm up the JIT first, as a running server would be.
        long warm = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warm) {
            hash(parameters, password);
        }
        AtomicLong count = new AtomicLong();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        Thread[] workers = new Thread[threads];
        long cpuBefore = cpuNanos();
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            workers[i] = new Thread(() -> {
                while (System.nanoTime() < end) {
                    hash(parameters, password);
                    count.incrementAndGet();
                }
            });
            workers[i].start();
        }
        for (Thread t : workers) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpuMs = (cpuNanos() - cpuBefore) / 1e6;
        System.out.printf("%d %d %.3f %.2f%n", threads, count.get(), elapsed, cpuMs / count.get());
    }

    static byte[] hash(Argon2Parameters parameters, char[] password) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[32];
        generator.generateBytes(password, out);
        return out;
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
