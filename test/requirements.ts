/**
 * What some tests need from outside the project: the corpus, tools, servers. A test file asks
 * with `available(import.meta.url, REQUIREMENT)` and skips its tests when the answer is no; the
 * run's summary (test/summary-reporter.ts) then lists each missing thing, the tests it cost and
 * how to get it. CI names what it provides in `SKYFS_REQUIRE` (see .ci/run), and the run fails
 * when one of those is missing, so CI never skips them silently.
 *
 * A new requirement is one more constant below: an id, what it is, a check that says why it is
 * missing (or `undefined`), and how to get it.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { emulatorMissing, FIREBASE_TOOLS_VERSION } from "./servers/gcs-emulator.js";
import { hasMoto } from "./servers/s3-servers.js";

/** Something tests need that the project cannot install by itself. */
export interface Requirement {
  /** Short name, as listed in `SKYFS_REQUIRE`. */
  id: string;
  /** What it is. */
  title: string;
  /** Why it is missing here, or `undefined` when it is present. */
  missing: () => string | undefined;
  /** How to get it. */
  howToGet: string;
}

/** One missing requirement as a test file recorded it for the summary. */
export interface MissingRecord {
  id: string;
  title: string;
  reason: string;
  howToGet: string;
  /** The test file, relative to the project. */
  file: string;
}

/** The environment variable naming the file in which test files record what they miss. */
export const MISSING_LOG_VARIABLE = "SKYFS_TEST_MISSING_LOG";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The folder of the shared test corpus, beside the project's folder. */
export const CORPUS_FOLDER = join(root, "..", "shared", "testdata");

/** The test corpus (FITS and ASDF files with expected values from the reference libraries). */
export const CORPUS: Requirement = {
  id: "corpus",
  title: "the test corpus",
  missing: () => (existsSync(CORPUS_FOLDER) ? undefined : `${relative(root, CORPUS_FOLDER)} does not exist`),
  howToGet: "place the corpus beside the project as ../shared/testdata (CI has it there)",
};

/** The Firebase CLI's storage emulator, a GCS JSON API server. */
export const FIREBASE_TOOLS: Requirement = {
  id: "firebase-tools",
  title: `firebase-tools ${FIREBASE_TOOLS_VERSION} (the GCS storage emulator)`,
  missing: emulatorMissing,
  howToGet: `npm install --prefix /tmp/skyfs-firebase-tools firebase-tools@${FIREBASE_TOOLS_VERSION}, then set SKYFS_FIREBASE_TOOLS=/tmp/skyfs-firebase-tools/node_modules/firebase-tools (.ci/run does both)`,
};

/** moto's S3 server, a second S3 implementation beside s3rver. */
export const MOTO: Requirement = {
  id: "moto",
  title: "moto_server (a second S3 server)",
  missing: () => (hasMoto() ? undefined : "moto_server is not on PATH"),
  howToGet: `pip install "moto[server]"`,
};

/** Python 3 with asdf and astropy, the reference readers and writers, as Debian packages them. */
export const PYTHON_ASDF: Requirement = {
  id: "python-asdf",
  title: "Python's asdf and astropy in /usr/bin/python3",
  missing: () =>
    spawnSync("/usr/bin/python3", ["-c", "import asdf, astropy"], { stdio: "ignore" }).status === 0
      ? undefined
      : "/usr/bin/python3 cannot import asdf and astropy",
  howToGet: "apt-get install python3-astropy python3-asdf (.ci/run does)",
};

/** A reference bzip2 decoder: the `bzip2` tool, or Python's `bz2` module. */
export const BZIP2_REFERENCE: Requirement = {
  id: "bzip2-reference",
  title: "a reference bzip2 decoder (/usr/bin/bzip2 or Python's bz2 in /usr/bin/python3)",
  missing: () =>
    existsSync("/usr/bin/bzip2") || spawnSync("/usr/bin/python3", ["-c", "import bz2"], { stdio: "ignore" }).status === 0
      ? undefined
      : "neither /usr/bin/bzip2 nor /usr/bin/python3 with its bz2 module exists",
  howToGet: "apt-get install bzip2, or python3 (.ci/run installs python3 with astropy)",
};

/** nginx, whose autoindex pages the HTTP listing is checked against. */
export const NGINX: Requirement = {
  id: "nginx",
  title: "nginx (a real autoindex)",
  missing: () => (existsSync("/usr/sbin/nginx") ? undefined : "/usr/sbin/nginx does not exist"),
  howToGet: "apt-get install nginx (.ci/run does)",
};

/** Where the browser tests look for Chromium (`SKYFS_CHROMIUM` overrides). */
export const CHROMIUM_PATH = process.env.SKYFS_CHROMIUM ?? "/usr/bin/chromium";

/** Headless Chromium, the real browser the browser build is tested in. */
export const CHROMIUM: Requirement = {
  id: "chromium",
  title: "Chromium (the browser tests)",
  missing: () => (existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} does not exist (set SKYFS_CHROMIUM to another)`),
  howToGet: "apt-get install chromium (.ci/run does)",
};

/**
 * Whether `requirement` is present. When it is not, the test file's skip is recorded for the
 * run's summary (or, outside a run with the summary reporter, printed at once).
 */
export function available(testFileUrl: string, requirement: Requirement): boolean {
  const reason = requirement.missing();
  if (reason === undefined) return true;
  const record: MissingRecord = {
    id: requirement.id,
    title: requirement.title,
    reason,
    howToGet: requirement.howToGet,
    file: relative(root, fileURLToPath(testFileUrl)),
  };
  const log = process.env[MISSING_LOG_VARIABLE];
  if (log) appendFileSync(log, `${JSON.stringify(record)}\n`);
  else console.warn(`skipped for lack of ${record.title} (${reason}); to get it: ${record.howToGet}`);
  return false;
}
