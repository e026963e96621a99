/**
 * Deterministic seed data for a sandbox integration: the same jobs, candidates and
 * applications every time (a seeded PRNG, fixed timestamps), so docs and tests can rely on it.
 */
const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Frances',
  'Edsger',
  'Radia',
  'Donald',
  'Hedy',
  'John',
  'Karen',
  'Tim',
  'Sophie',
  'Guido',
  'Anita',
  'Bjarne',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Torvalds',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
  'Dijkstra',
  'Perlman',
  'Knuth',
  'Lamarr',
  'McCarthy',
  'Jones',
  'Berners-Lee',
  'Wilson',
  'Rossum',
  'Borg',
  'Stroustrup',
];
const SOURCES = ['LinkedIn', 'Referral', 'Career site', 'Indeed', null];
const STAGES = ['Applied', 'Screening', 'Technical assessment', 'Interview', 'Offer'];

export const JOBS = [
  {
    remote_id: 'job-1',
    name: 'Senior Backend Engineer',
    job_code: 'ENG-101',
    department: 'Engineering',
    status: 'OPEN',
    employment_type: 'FULL_TIME',
  },
  {
    remote_id: 'job-2',
    name: 'Frontend Engineer',
    job_code: 'ENG-102',
    department: 'Engineering',
    status: 'OPEN',
    employment_type: 'FULL_TIME',
  },
  { remote_id: 'job-3', name: 'Data Analyst', job_code: 'DAT-201', department: 'Data', status: 'OPEN', employment_type: 'PART_TIME' },
  {
    remote_id: 'job-4',
    name: 'Engineering Manager',
    job_code: 'ENG-301',
    department: 'Engineering',
    status: 'CLOSED',
    employment_type: 'FULL_TIME',
  },
] as const;

export const CANDIDATE_COUNT = 50;
export const APPLICATION_COUNT = 80;
const EPOCH = Date.UTC(2026, 0, 5, 9, 0, 0);

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedObject {
  kind: string;
  remote_id: string;
  parent_id: string | null;
  data: Record<string, unknown>;
  at: string;
}

export function seedObjects(): SeedObject[] {
  const rand = prng(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const at = (hours: number) => new Date(EPOCH + hours * 3600_000).toISOString();
  const out: SeedObject[] = [];
  for (const [i, j] of JOBS.entries()) {
    out.push({
      kind: 'job',
      remote_id: j.remote_id,
      parent_id: null,
      at: at(i),
      data: { ...j, stages: STAGES.map((name, k) => ({ remote_id: `${j.remote_id}-stage-${k + 1}`, name, index: k })) },
    });
  }
  for (let c = 1; c <= CANDIDATE_COUNT; c++) {
    const first = FIRST[(c - 1) % FIRST.length];
    const last = LAST[(c * 7) % LAST.length];
    out.push({
      kind: 'candidate',
      remote_id: `cand-${String(c).padStart(3, '0')}`,
      parent_id: null,
      at: at(10 + c),
      data: {
        first_name: first,
        last_name: last,
        email: `${first}.${last}.${c}@example.com`.toLowerCase(),
        phone: `+1 555 01${String(c).padStart(2, '0')}`,
        company: pick(['Initech', 'Hooli', 'Globex', 'Umbrella', null]),
        title: pick(['Software Engineer', 'Data Scientist', 'Team Lead', null]),
        source: pick(SOURCES),
        custom_fields: {},
        tags: c % 5 === 0 ? ['Silver medalist'] : [],
      },
    });
  }
  // Every candidate has one application; the first 30 have a second one: 80 in all.
  let n = 0;
  for (let round = 0; round < 2; round++) {
    for (let c = 1; c <= CANDIDATE_COUNT && n < APPLICATION_COUNT; c++) {
      const job = JOBS[(c + round) % JOBS.length];
      const stage = Math.floor(rand() * STAGES.length);
      const outcome = job.status === 'CLOSED' ? pick(['HIRED', 'DECLINED']) : rand() < 0.15 ? 'DECLINED' : 'PENDING';
      n++;
      out.push({
        kind: 'application',
        remote_id: `app-${String(n).padStart(3, '0')}`,
        parent_id: `cand-${String(c).padStart(3, '0')}`,
        at: at(100 + n),
        data: { job_remote_id: job.remote_id, stage_remote_id: `${job.remote_id}-stage-${stage + 1}`, outcome, custom_fields: {} },
      });
    }
  }
  return out;
}

/**
 * The sandbox's team (GET /v1/ats/users): a recruiter, a hiring manager, an admin, a
 * coordinator, and a deactivated user, so the `status` filter and system roles can be tried.
 * Seeded apart from the records above (src/connectors/sandbox/read.ts readUsers), so sandboxes
 * created before users existed get them on their next sync.
 */
export const SANDBOX_USERS = [
  {
    remote_id: 'user-001',
    first_name: 'Riley',
    last_name: 'Recruiter',
    email: 'riley.recruiter@sandbox.example',
    active: true,
    role: 'Recruiter',
  },
  {
    remote_id: 'user-002',
    first_name: 'Hana',
    last_name: 'Manager',
    email: 'hana.manager@sandbox.example',
    active: true,
    role: 'Hiring Manager',
  },
  { remote_id: 'user-003', first_name: 'Ada', last_name: 'Admin', email: 'ada.admin@sandbox.example', active: true, role: 'Admin' },
  {
    remote_id: 'user-004',
    first_name: 'Cory',
    last_name: 'Coordinator',
    email: 'cory.coordinator@sandbox.example',
    active: true,
    role: 'Coordinator',
  },
  {
    remote_id: 'user-005',
    first_name: 'Dana',
    last_name: 'Departed',
    email: 'dana.departed@sandbox.example',
    active: false,
    role: 'Interviewer',
  },
] as const;

export function seedUsers(): SeedObject[] {
  return SANDBOX_USERS.map((u, i) => ({
    kind: 'user',
    remote_id: u.remote_id,
    parent_id: null,
    at: new Date(EPOCH - (10 - i) * 3600_000).toISOString(),
    data: { first_name: u.first_name, last_name: u.last_name, email: u.email, active: u.active, role: u.role },
  }));
}
