import 'reflect-metadata';
import { getMetadataStorage, MetadataStorage } from 'class-validator';
import { DomainError } from '../../src/common/errors/domain-error.js';
import { createValidationPipe } from '../../src/common/errors/validation.js';
import { SourceInputDto } from '../../src/modules/sources/dto/source.dto.js';
import { CreateStatementDto } from '../../src/modules/statements/dto/statements.dto.js';

/** What class-validator itself finds for a class, looked up afresh. */
const lookedUpAfresh = (target: object, schema?: string, groups?: string[]) =>
  MetadataStorage.prototype.getTargetValidationMetadatas.call(
    getMetadataStorage(),
    target as () => void,
    schema as string,
    false,
    false,
    groups,
  );

describe('validation with the rules of each class kept', () => {
  const pipe = createValidationPipe();
  const storage = getMetadataStorage();
  /** What the validator is given for a class: through the kept lookup installed by the pipe. */
  const kept = (target: object, schema?: string, groups?: string[]) =>
    storage.getTargetValidationMetadatas(target as () => void, schema as string, false, false, groups);
  const statement = (changes: Record<string, unknown> = {}) => ({
    speaker: 'sergey-lavrov',
    saidOn: '2024-10',
    quote: 'Eurasian security is indivisible.',
    source: { url: 'https://tass.com/politics/1' },
    proposals: [{ slug: 'greater-eurasian-partnership', stance: 'supports' }],
    ...changes,
  });
  const validate = (body: unknown) =>
    pipe.transform(body, { type: 'body', metatype: CreateStatementDto, data: undefined }) as Promise<unknown>;
  const problemsOf = async (body: unknown) => {
    const error = await validate(body).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).errors?.map((problem) => problem.field).sort();
  };

  it('looks a class up once, finding what class-validator finds: its own rules and inherited ones', () => {
    const rules = kept(CreateStatementDto);
    expect(kept(CreateStatementDto)).toBe(rules);
    expect(rules).toEqual(lookedUpAfresh(CreateStatementDto));
    // `speaker` is CreateStatementDto's own; `saidOn` and `quote` come from the class it extends.
    expect(rules.map((rule) => rule.propertyName)).toEqual(expect.arrayContaining(['speaker', 'saidOn', 'quote']));
    expect(storage.groupByPropertyName(rules)).toBe(storage.groupByPropertyName(rules));
  });

  it('keeps a nested object rules apart by the schema class-validator names for it', () => {
    const nested = kept(SourceInputDto, 'CreateStatementDto');
    expect(nested).toEqual(lookedUpAfresh(SourceInputDto, 'CreateStatementDto'));
    expect(nested).not.toBe(kept(SourceInputDto, 'OtherDto'));
    expect(nested.map((rule) => rule.propertyName)).toEqual(expect.arrayContaining(['url', 'publisher']));
  });

  it('looks rules up afresh when validating by groups', () => {
    const first = kept(CreateStatementDto, undefined, ['g']);
    const second = kept(CreateStatementDto, undefined, ['g']);
    expect(second).not.toBe(first);
    expect(second).toEqual(lookedUpAfresh(CreateStatementDto, undefined, ['g']));
  });

  it('applies every rule on every request: own, inherited, nested and unknown fields', async () => {
    await expect(validate(statement())).resolves.toBeInstanceOf(CreateStatementDto);
    for (let round = 0; round < 3; round += 1) {
      expect(await problemsOf(statement({ speaker: 'Not A Slug' }))).toEqual(['speaker']);
      expect(await problemsOf(statement({ saidOn: 'soon' }))).toEqual(['saidOn']);
      expect(await problemsOf(statement({ source: { url: 'ftp://example.org/x' } }))).toEqual(['source.url']);
      expect(await problemsOf(statement({ proposals: [{ slug: 'x', stance: 'maybe' }] }))).toEqual([
        'proposals[0].stance',
      ]);
      expect(await problemsOf(statement({ mood: 'calm' }))).toEqual(['mood']);
      expect(await problemsOf({ ...statement(), source: { url: 'https://tass.com/1', extra: 1 } })).toEqual([
        'source.extra',
      ]);
    }
  });

  it('is applied once, however many pipes are made', () => {
    const installed = () => [
      Reflect.get(storage, 'getTargetValidationMetadatas') as unknown,
      Reflect.get(storage, 'groupByPropertyName') as unknown,
    ];
    const before = installed();
    expect(Object.hasOwn(storage, 'getTargetValidationMetadatas')).toBe(true);
    createValidationPipe();
    expect(installed()).toEqual(before);
    expect(installed()[0]).toBe(before[0]);
  });
});
