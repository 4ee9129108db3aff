/* The C baselines of `./build.sh Bench`: the same work as vmspec's runtime, in the style of
 * ../shared/reference/apf-prototype.c, timed in the same run.
 *   kvm-baseline minimal RUNS   create VM, long mode, CPUID 0x40000001, report EAX, stop; destroy.
 *                                Prints {"samplesMs":[...]} of create-VM-to-verdict times.
 *   kvm-baseline faults PAGES   one VM; the guest touches PAGES userfaultfd-backed pages from CPL3
 *                                with IF=1; each fault is resolved at once. Prints, timed at the exits
 *                                of the guest's reports: periodsMs, from the exit the #PF handler makes
 *                                for one fault (its 'page not present') to the next fault's, as vmspec
 *                                bench faults times its guest's one #PF-handler exit, the page release;
 *                                latenciesMs, from a 'page not present' to its 'page ready'; and totalMs
 *                                and exits of the whole KVM_RUN loop.
 * Build: gcc -O2 -o kvm-baseline kvm-baseline.c -lpthread */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RAM0 0x400000UL
#define SLOT1_GPA 0x400000UL
#define SLOT1_SIZE 0x400000UL
#define CODE 0x10000UL
#define APF 0x6000UL
#define PG 4096UL

/* Guest code: entry at CPL0 with paging on. rdi = mode (0 minimal, 1 faults), rsi = pages. */
asm(".pushsection .rodata.guest,\"a\"\n.balign 16\n.globl g_start\ng_start:\n"
    "  test %rdi, %rdi\n  jnz 1f\n"
    "  mov $0x40000001, %eax\n  xor %ecx, %ecx\n  cpuid\n  mov $0xe0, %dx\n  out %eax, %dx\n"
    "  mov $0xef, %dx\n  out %eax, %dx\n0: jmp 0b\n"
    "1: mov %rsi, %r14\n"
    "  mov $0x1b, %ecx\n  rdmsr\n  or $0xc00, %eax\n  wrmsr\n"
    "  mov $0x80f, %ecx\n  mov $0x1ff, %eax\n  xor %edx, %edx\n  wrmsr\n"
    "  mov $0x4b564d06, %ecx\n  mov $0xec, %eax\n  xor %edx, %edx\n  wrmsr\n"
    "  mov $0x4b564d02, %ecx\n  mov $0x6009, %eax\n  xor %edx, %edx\n  wrmsr\n"
    "  sti\n  xor %ecx, %ecx\n2: inc %ecx\n  cmpl $0, 0x8008\n  jne 3f\n  cmp $200000, %ecx\n  jb 2b\n"
    "3: lea g_touch(%rip), %rax\n  pushq $0x1b\n  pushq $0x300000\n  pushq $0x3202\n  pushq $0x23\n  push %rax\n  iretq\n"
    "g_touch:\n  xor %r15, %r15\n"
    "4: cmp %r14, %r15\n  jae 5f\n  mov %r15, %rax\n  shl $12, %rax\n  add $0x400000, %rax\n  mov (%rax), %rax\n  inc %r15\n  jmp 4b\n"
    "5: mov $0xef, %dx\n  out %eax, %dx\n6: jmp 6b\n"
    ".balign 16\n.globl g_pf\ng_pf:\n"
    "  push %rax\n  push %rcx\n  push %rdx\n"
    "  cmpl $0, 0x6000\n  je 9f\n  movl $0, 0x6000\n  mov %cr2, %rax\n  mov %eax, 0x8000\n  mov $0xe1, %dx\n  out %eax, %dx\n"
    "  sti\n7: mov 0x8004, %eax\n  cmp 0x8000, %eax\n  jne 7b\n  cli\n"
    "  pop %rdx\n  pop %rcx\n  pop %rax\n  add $8, %rsp\n  iretq\n"
    "9: mov $0xee, %dx\n  out %eax, %dx\n  jmp 9b\n"
    ".balign 16\n.globl g_apf\ng_apf:\n"
    "  push %rax\n  push %rcx\n  push %rdx\n"
    "  mov 0x6004, %eax\n  mov %eax, 0x8004\n  incl 0x8008\n  movl $0, 0x6004\n  mov $0xe2, %dx\n  out %eax, %dx\n"
    "  mov $0x80b, %ecx\n  xor %eax, %eax\n  xor %edx, %edx\n  wrmsr\n"
    "  mov $0x4b564d07, %ecx\n  mov $1, %eax\n  xor %edx, %edx\n  wrmsr\n"
    "  pop %rdx\n  pop %rcx\n  pop %rax\n  iretq\n"
    ".balign 16\n.globl g_other\ng_other:\n  mov $0xee, %dx\n  out %eax, %dx\n  jmp g_other\n"
    ".globl g_end\ng_end:\n.popsection\n");
extern const char g_start[], g_end[], g_pf[], g_apf[], g_other[];

static double now_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
static void die(const char *what) { perror(what); exit(2); }

struct vm { int kvm, vm, vcpu, uffd; uint8_t *ram, *slot1; struct kvm_run *run; size_t run_size; };

static void setup_tables(uint8_t *mem) {
    uint64_t *gdt = (void *)(mem + 0x1000);
    gdt[0] = 0; gdt[1] = 0x00af9a000000ffffULL; gdt[2] = 0x00cf92000000ffffULL;
    gdt[3] = 0x00cff2000000ffffULL; gdt[4] = 0x00affa000000ffffULL;
    uint64_t tb = 0x5000, tl = 0x67;
    gdt[5] = (tl & 0xffff) | ((tb & 0xffffff) << 16) | (0x89ULL << 40) | (((tb >> 24) & 0xff) << 56);
    gdt[6] = tb >> 32;
    *(uint64_t *)(mem + 0x5000 + 4) = 0x1f0000;
    uint64_t *pml4 = (void *)(mem + 0x2000), *pdpt = (void *)(mem + 0x3000), *pd = (void *)(mem + 0x4000);
    pml4[0] = 0x3000 | 7; pdpt[0] = 0x4000 | 7;
    for (int i = 0; i < 512; i++) pd[i] = ((uint64_t)i << 21) | 0x87;
    uint64_t base = CODE - (uint64_t)g_start;
    for (int v = 0; v < 256; v++) {
        uint64_t h = (uint64_t)(v == 14 ? g_pf : v == 0xec ? g_apf : g_other) + base;
        uint64_t *e = (void *)(mem + 0x7000 + 16 * v);
        e[0] = (h & 0xffff) | (0x08ULL << 16) | (0x8eULL << 40) | (((h >> 16) & 0xffff) << 48);
        e[1] = h >> 32;
    }
    memcpy(mem + CODE, g_start, g_end - g_start);
}

static void create(struct vm *m, int kvm, int with_uffd) {
    memset(m, 0, sizeof *m);
    m->kvm = kvm; m->uffd = -1;
    if ((m->vm = ioctl(kvm, KVM_CREATE_VM, 0)) < 0) die("KVM_CREATE_VM");
    if (ioctl(m->vm, KVM_CREATE_IRQCHIP, 0)) die("KVM_CREATE_IRQCHIP");
    m->ram = mmap(0, RAM0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    struct kvm_userspace_memory_region r0 = {.slot = 0, .memory_size = RAM0, .userspace_addr = (uint64_t)m->ram};
    if (ioctl(m->vm, KVM_SET_USER_MEMORY_REGION, &r0)) die("memory region 0");
    if (with_uffd) {
        m->slot1 = mmap(0, SLOT1_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        struct kvm_userspace_memory_region r1 = {.slot = 1, .guest_phys_addr = SLOT1_GPA, .memory_size = SLOT1_SIZE, .userspace_addr = (uint64_t)m->slot1};
        if (ioctl(m->vm, KVM_SET_USER_MEMORY_REGION, &r1)) die("memory region 1");
        if ((m->uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK)) < 0) die("userfaultfd");
        struct uffdio_api api = {.api = UFFD_API};
        if (ioctl(m->uffd, UFFDIO_API, &api)) die("UFFDIO_API");
        struct uffdio_register reg = {.range = {.start = (uint64_t)m->slot1, .len = SLOT1_SIZE}, .mode = UFFDIO_REGISTER_MODE_MISSING};
        if (ioctl(m->uffd, UFFDIO_REGISTER, &reg)) die("UFFDIO_REGISTER");
    }
    if ((m->vcpu = ioctl(m->vm, KVM_CREATE_VCPU, 0)) < 0) die("KVM_CREATE_VCPU");
    m->run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    m->run = mmap(0, m->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, m->vcpu, 0);
    struct { struct kvm_cpuid2 c; struct kvm_cpuid_entry2 e[100]; } cp = {.c.nent = 100};
    if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, &cp)) die("KVM_GET_SUPPORTED_CPUID");
    for (unsigned i = 0; i < cp.c.nent; i++) if (cp.e[i].function == 1) cp.e[i].ecx |= 1u << 21;
    if (ioctl(m->vcpu, KVM_SET_CPUID2, &cp)) die("KVM_SET_CPUID2");
    setup_tables(m->ram);
    struct kvm_sregs s;
    if (ioctl(m->vcpu, KVM_GET_SREGS, &s)) die("KVM_GET_SREGS");
    struct kvm_segment seg = {.limit = 0xffffffff, .selector = 0x08, .present = 1, .type = 11, .s = 1, .l = 1, .g = 1};
    s.cs = seg; seg.type = 3; seg.selector = 0x10; seg.l = 0; seg.db = 1;
    s.ds = s.es = s.fs = s.gs = s.ss = seg;
    struct kvm_segment tr = {.base = 0x5000, .limit = 0x67, .selector = 0x28, .present = 1, .type = 11};
    s.tr = tr;
    s.gdt.base = 0x1000; s.gdt.limit = 7 * 8 - 1; s.idt.base = 0x7000; s.idt.limit = 256 * 16 - 1;
    s.cr3 = 0x2000; s.cr4 = 0x20; s.cr0 = 0x80050033; s.efer = 0x500;
    if (ioctl(m->vcpu, KVM_SET_SREGS, &s)) die("KVM_SET_SREGS");
}

static void destroy(struct vm *m) {
    munmap(m->run, m->run_size); close(m->vcpu);
    if (m->uffd >= 0) close(m->uffd);
    if (m->slot1) munmap(m->slot1, SLOT1_SIZE);
    munmap(m->ram, RAM0); close(m->vm);
}

static struct vm *g_vm;
static volatile int g_stop;
static void *resolver(void *arg) {
    (void)arg;
    static uint8_t page[4096] __attribute__((aligned(4096)));
    while (!g_stop) {
        struct pollfd p = {.fd = g_vm->uffd, .events = POLLIN};
        if (poll(&p, 1, 20) <= 0) continue;
        struct uffd_msg msg;
        if (read(g_vm->uffd, &msg, sizeof msg) != sizeof msg || msg.event != UFFD_EVENT_PAGEFAULT) continue;
        uint64_t a = msg.arg.pagefault.address & ~(PG - 1);
        memset(page, 0xab, sizeof page);
        struct uffdio_copy c = {.dst = a, .src = (uint64_t)page, .len = PG};
        ioctl(g_vm->uffd, UFFDIO_COPY, &c);
    }
    return NULL;
}

static long exits;

/* Runs until the done (0xef) or failure (0xee) port; calls on_io for other ports. */
static int run_to_done(struct vm *m, void (*on_io)(int port, uint32_t value, double t)) {
    for (;;) {
        if (ioctl(m->vcpu, KVM_RUN, 0) < 0) return -1;
        exits++;
        if (m->run->exit_reason != KVM_EXIT_IO) return -1;
        uint32_t v = *(uint32_t *)((char *)m->run + m->run->io.data_offset);
        int port = m->run->io.port;
        if (port == 0xef) return 0;
        if (port == 0xee) return -1;
        if (on_io) on_io(port, v, now_ms());
    }
}

static double samples[100000], periods[100000];
static int nsamples, nperiods;
static double t_not_present, t_last_fault;
static void on_fault_io(int port, uint32_t value, double t) {
    if (port == 0xe1) {
        if (t_last_fault > 0) periods[nperiods++] = t - t_last_fault;
        t_last_fault = t_not_present = t;
    }
    else if (port == 0xe2 && value != 0xffffffff && t_not_present > 0) { samples[nsamples++] = t - t_not_present; t_not_present = 0; }
}

static void print_array(const char *name, const double *values, int n) {
    printf("\"%s\":[", name);
    for (int i = 0; i < n; i++) printf("%s%.4f", i ? "," : "", values[i]);
    printf("]");
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s minimal RUNS | faults PAGES\n", argv[0]); return 2; }
    int n = atoi(argv[2]);
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) die("/dev/kvm");
    struct vm m;
    if (!strcmp(argv[1], "minimal")) {
        for (int i = 0; i <= n && i < 100000; i++) {
            double t0 = now_ms();
            create(&m, kvm, 0);
            struct kvm_regs r = {.rip = CODE, .rflags = 2, .rsp = 0x1f0000, .rdi = 0};
            if (ioctl(m.vcpu, KVM_SET_REGS, &r)) die("KVM_SET_REGS");
            if (run_to_done(&m, NULL)) { fprintf(stderr, "minimal guest failed\n"); return 1; }
            destroy(&m);
            if (i > 0) samples[nsamples++] = now_ms() - t0; /* run 0 warms up */
        }
        printf("{");
        print_array("samplesMs", samples, nsamples);
        printf("}\n");
        return 0;
    }
    if (n < 1 || n > (int)(SLOT1_SIZE / PG)) { fprintf(stderr, "PAGES must be 1..%lu\n", SLOT1_SIZE / PG); return 2; }
    create(&m, kvm, 1);
    g_vm = &m;
    pthread_t thread;
    pthread_create(&thread, NULL, resolver, NULL);
    struct kvm_regs r = {.rip = CODE, .rflags = 2, .rsp = 0x1f0000, .rdi = 1, .rsi = (uint64_t)n};
    if (ioctl(m.vcpu, KVM_SET_REGS, &r)) die("KVM_SET_REGS");
    double t0 = now_ms();
    int rc = run_to_done(&m, on_fault_io);
    double total = now_ms() - t0;
    g_stop = 1;
    pthread_join(thread, NULL);
    destroy(&m);
    if (rc) { fprintf(stderr, "fault workload failed after %d faults\n", nsamples); return 1; }
    printf("{\"faults\":%d,", n);
    print_array("periodsMs", periods, nperiods);
    printf(",");
    print_array("latenciesMs", samples, nsamples);
    printf(",\"totalMs\":%.4f,\"exits\":%ld}\n", total, exits);
    return 0;
}
